import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VERSION } from "../src/version.js";
import { ROOT } from "./helpers/fixtures.js";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  engines: { node: string };
};

function node(code: string, type: "module" | "commonjs") {
  const args = type === "module" ? ["--input-type=module", "-e", code] : ["--input-type=commonjs", "-e", code];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

const program = (load: string) => `${load}
const set = normalizeRecords([{ title: "Hi & bye", webUrl: "https://a.com/x", publishedDateTime: "2024-01-01T00:00:00Z", published: true, quality: 50, topics: ["AI"], secured: "S3CRET" }]);
const { files, report } = buildFeeds(set, { baseUrl: "https://a.com/feeds/", select: [rules.minQuality(0)] });
console.log(JSON.stringify({ files: files.length, published: report.records.published, err: isTopicfeedsError(new Error("x")), leak: files.some((f) => f.contents.includes("S3CRET")) }));`;

describe("the published package", () => {
  it("is imported by name from ESM", () => {
    const r = node(
      program('import { buildFeeds, normalizeRecords, rules, isTopicfeedsError } from "topicfeeds";'),
      "module",
    );
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ files: 11, published: 1, err: false, leak: false });
  });

  it("is required by name from CommonJS", () => {
    const r = node(
      program('const { buildFeeds, normalizeRecords, rules, isTopicfeedsError } = require("topicfeeds");'),
      "commonjs",
    );
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ files: 11, published: 1, err: false, leak: false });
  });

  it("recognises its errors across the ESM and CJS copies", () => {
    const r = node(
      `import { createRequire } from "node:module"; import { buildFeeds } from "topicfeeds";
       const { isTopicfeedsError } = createRequire(import.meta.url)("topicfeeds");
       try { buildFeeds([], { baseUrl: "nope" }); } catch (e) { console.log(isTopicfeedsError(e), e.code); }`,
      "module",
    );
    expect(r.stdout).toBe("true invalid-config");
  });

  it("writes its own version into feeds", () => {
    expect(VERSION).toBe(pkg.version);
  });

  it("declares an engine range that includes the Node running the tests", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(pkg.engines.node).toBe(">=20");
    expect(major).toBeGreaterThanOrEqual(20);
  });
});
