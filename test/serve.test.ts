import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { loadRecords } from "../src/io/read-records.js";
import { writeFiles } from "../src/io/write-files.js";
import { type RunningServer, startServer } from "../src/serve/start-server.js";
import { CLI, GOLDEN_CONFIG, tempDir, VALID } from "./helpers/fixtures.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request: the path goes out exactly as written (fetch would normalise `..`). */
function get(server: RunningServer, path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<Reply>((ok, fail) => {
    const req = request({ host: "127.0.0.1", port: server.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", fail);
    req.end();
  });
}

let dir: string;
let out: string;
let server: RunningServer;

beforeAll(async () => {
  dir = tempDir("topicfeeds-serve-");
  out = join(dir, "out");
  const set = await loadRecords(VALID, { cwd: VALID });
  writeFiles(out, buildFeeds(set, GOLDEN_CONFIG).files);
  // Something outside the output folder, and ways to reach it.
  mkdirSync(join(dir, "secret"));
  writeFileSync(join(dir, "secret", "key.txt"), "do not serve");
  writeFileSync(join(dir, "outside.txt"), "do not serve");
  symlinkSync(join(dir, "secret"), join(out, "link-out"));
  symlinkSync(join(out, "ai"), join(out, "link-in"));
  server = await startServer({ root: out });
});

afterAll(async () => {
  await server?.close();
});

describe("topicfeeds serve: what it answers", () => {
  it("listens on 127.0.0.1 by default and says where", () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.port).toBeGreaterThan(0);
  });

  it.each([
    ["/rss.xml", "application/rss+xml; charset=utf-8"],
    ["/ai/atom.xml", "application/atom+xml; charset=utf-8"],
    ["/ai/feed.json", "application/feed+json; charset=utf-8"],
    ["/feeds.json", "application/json; charset=utf-8"],
    ["/feeds.opml", "text/x-opml; charset=utf-8"],
    ["/ai/index.html", "text/html; charset=utf-8"],
    ["/ai/", "text/html; charset=utf-8"],
  ])("serves %s as %s with the file's bytes", async (path, type) => {
    const r = await get(server, path);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe(type);
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    const file = join(out, path.endsWith("/") ? `${path}index.html` : path);
    expect(r.body.equals(readFileSync(file))).toBe(true);
    expect(Number(r.headers["content-length"])).toBe(r.body.length);
  });

  it("gives a strong ETag that changes with the bytes, and Last-Modified from the file", async () => {
    const file = join(out, "ai", "rss.xml");
    const first = await get(server, "/ai/rss.xml");
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/); // strong: no W/
    expect((await get(server, "/ai/rss.xml")).headers.etag).toBe(etag);
    expect(first.headers["last-modified"]).toBe(
      new Date(Math.floor(statSync(file).mtimeMs / 1000) * 1000).toUTCString(),
    );
    const other = await get(server, "/ai/atom.xml");
    expect(other.headers.etag).not.toBe(etag);
    const original = readFileSync(file);
    writeFileSync(file, Buffer.concat([original, Buffer.from("\n")]));
    utimesSync(file, new Date("2024-05-06T07:08:09Z"), new Date("2024-05-06T07:08:09Z"));
    const changed = await get(server, "/ai/rss.xml");
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.headers["last-modified"]).toBe("Mon, 06 May 2024 07:08:09 GMT");
    writeFileSync(file, original);
  });

  it("answers 304 Not Modified to a matching If-None-Match or a fresh If-Modified-Since", async () => {
    const first = await get(server, "/atom.xml");
    const etag = first.headers.etag as string;
    const lastModified = first.headers["last-modified"] as string;
    const byTag = await get(server, "/atom.xml", { "If-None-Match": etag });
    expect(byTag.status).toBe(304);
    expect(byTag.body.length).toBe(0);
    expect(byTag.headers.etag).toBe(etag);
    expect((await get(server, "/atom.xml", { "If-None-Match": `"other", W/${etag}` })).status).toBe(304);
    expect((await get(server, "/atom.xml", { "If-None-Match": '"other"' })).status).toBe(200);
    expect((await get(server, "/atom.xml", { "If-Modified-Since": lastModified })).status).toBe(304);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await get(server, "/atom.xml", { "If-Modified-Since": earlier })).status).toBe(200);
    // RFC 9110 §13.1.3: If-None-Match decides when both are sent.
    expect(
      (await get(server, "/atom.xml", { "If-None-Match": '"other"', "If-Modified-Since": lastModified })).status,
    ).toBe(200);
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const full = await get(server, "/feed.json");
    const head = await get(server, "/feed.json", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const h of ["content-type", "content-length", "etag", "last-modified"])
      expect(head.headers[h]).toBe(full.headers[h]);
  });

  it("compresses with gzip when the client accepts it, under its own ETag", async () => {
    const plain = await get(server, "/rss.xml");
    const zipped = await get(server, "/rss.xml", { "Accept-Encoding": "br, gzip;q=0.8" });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toBe("Accept-Encoding");
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    expect(
      (await get(server, "/rss.xml", { "Accept-Encoding": "gzip", "If-None-Match": zipped.headers.etag as string }))
        .status,
    ).toBe(304);
    expect(
      (await get(server, "/rss.xml", { "Accept-Encoding": "gzip;q=0" })).headers["content-encoding"],
    ).toBeUndefined();
    expect((await get(server, "/rss.xml")).headers["content-encoding"]).toBeUndefined();
  });

  it.each([
    ["/../outside.txt", 403],
    ["/ai/../../outside.txt", 403],
    ["/%2e%2e/outside.txt", 403],
    ["/..%2foutside.txt", 400],
    ["/..%2Foutside.txt", 400],
    ["/ai%2f..%2f..%2foutside.txt", 400],
    ["/..%5coutside.txt", 400],
    ["/..\\outside.txt", 400],
    ["/link-out/key.txt", 403],
    ["/link-out/", 403],
    ["/%00", 400],
    ["/%E0%A4%A", 400],
  ])("refuses %s (%i) and never shows what is outside", async (path, status) => {
    const r = await get(server, path);
    expect(r.status).toBe(status);
    expect(r.body.toString()).not.toContain("do not serve");
  });

  it("follows a symlink that stays inside the folder", async () => {
    const r = await get(server, "/link-in/rss.xml");
    expect(r.status).toBe(200);
    expect(r.body.equals(readFileSync(join(out, "ai", "rss.xml")))).toBe(true);
  });

  it("redirects a folder without its slash, 404s what is missing and 405s other methods", async () => {
    const r = await get(server, "/ai?x=1");
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe("/ai/?x=1");
    expect((await get(server, "/nope.xml")).status).toBe(404);
    const post = await get(server, "/rss.xml", {}, "POST");
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
  });

  it("serves the new build at once when the output folder is a symlink swapped to another folder", async () => {
    const a = join(dir, "build-a");
    const b = join(dir, "build-b");
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, "rss.xml"), "<rss>a</rss>");
    writeFileSync(join(b, "rss.xml"), "<rss>b</rss>");
    const current = join(dir, "current");
    symlinkSync(a, current);
    const swapped = await startServer({ root: current });
    try {
      expect((await get(swapped, "/rss.xml")).body.toString()).toBe("<rss>a</rss>");
      symlinkSync(b, join(dir, "current.new"));
      renameSync(join(dir, "current.new"), current); // the atomic swap
      expect((await get(swapped, "/rss.xml")).body.toString()).toBe("<rss>b</rss>");
      // Files of the folder the link points to are inside, not "symlinks out".
      expect((await get(swapped, "/rss.xml")).status).toBe(200);
    } finally {
      await swapped.close();
    }
  });
});

describe("topicfeeds serve: the command", () => {
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, "serve", ...args], { encoding: "utf8", cwd: dir });

  it("rejects a bad port or host as a usage error", () => {
    for (const args of [
      ["--port", "http"],
      ["--port", "70000"],
      ["--port", "-1"],
      ["--host", ""],
      ["a", "b"],
    ]) {
      const r = run([out, ...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^topicfeeds serve: /);
    }
  });

  it("says to build first when the folder does not exist", () => {
    const r = run(["missing-out"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "topicfeeds serve: missing-out is not a folder; build first (topicfeeds build --out missing-out)\n",
    );
  });

  it("says when the port is taken", () => {
    const r = run([out, "--port", String(server.port)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`topicfeeds serve: port ${server.port} is in use; pick another with --port\n`);
  });

  it("prints its help", () => {
    const r = run(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: topicfeeds serve [OUT] [options]");
  });
});
