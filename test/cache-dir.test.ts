import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultCacheDir, userCacheDir } from "../src/io/cache-dir.js";
import { tempDir } from "./helpers/fixtures.js";

describe("defaultCacheDir", () => {
  it("uses node_modules/.cache/topicfeeds beside the nearest package.json above the folder", () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), "{}");
    mkdirSync(join(root, "site", "content"), { recursive: true });
    expect(defaultCacheDir(join(root, "site", "content"))).toBe(join(root, "node_modules", ".cache", "topicfeeds"));
  });

  it("uses a folder per working directory in the user's cache when no package.json is above", () => {
    const a = tempDir();
    const b = tempDir();
    const context = { env: { XDG_CACHE_HOME: "/var/cache/u" }, platform: "linux" as const, home: "/home/u" };
    const dirA = defaultCacheDir(a, context);
    expect(dirA).toMatch(/^\/var\/cache\/u\/topicfeeds\/projects\/[0-9a-f]{16}$/);
    expect(defaultCacheDir(a, context)).toBe(dirA);
    expect(defaultCacheDir(b, context)).not.toBe(dirA);
  });
});

describe("userCacheDir", () => {
  it("follows each platform's convention", () => {
    expect(userCacheDir({ env: {}, platform: "linux", home: "/home/u" })).toBe("/home/u/.cache/topicfeeds");
    expect(userCacheDir({ env: { XDG_CACHE_HOME: "/c" }, platform: "linux", home: "/home/u" })).toBe("/c/topicfeeds");
    // A relative XDG_CACHE_HOME is invalid (XDG Base Directory) and ignored.
    expect(userCacheDir({ env: { XDG_CACHE_HOME: "c" }, platform: "linux", home: "/home/u" })).toBe(
      "/home/u/.cache/topicfeeds",
    );
    expect(userCacheDir({ env: {}, platform: "darwin", home: "/Users/u" })).toBe("/Users/u/Library/Caches/topicfeeds");
    expect(userCacheDir({ env: { LOCALAPPDATA: "/appdata" }, platform: "win32", home: "/h" })).toBe(
      join("/appdata", "topicfeeds", "Cache"),
    );
  });
});
