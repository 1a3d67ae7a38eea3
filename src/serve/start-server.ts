import { createHash } from "node:crypto";
import { promises as fs, type Stats } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { FEED_MEDIA_TYPES } from "../render/media-types.js";

/** Options of {@link startServer}. */
export interface ServeOptions {
  /** The folder to serve (a build's output folder). It may be a symlink that is swapped between requests. */
  root: string;
  /** Port; `0` (the default) picks a free one. */
  port?: number;
  /** Address to listen on; default `127.0.0.1`, so the preview is not reachable from other machines. */
  host?: string;
  /** Called once per answered request, e.g. to print an access log. */
  onRequest?: (entry: { method: string; path: string; status: number; bytes: number }) => void;
}

/** A running preview server: its URL and how to stop it. */
export interface RunningServer {
  /** The URL it answers on, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  port: number;
  /** Stops listening and closes open connections. */
  close: () => Promise<void>;
  server: Server;
}

// By file name first (feeds have fixed names), then by extension.
const BY_NAME: Record<string, string> = {
  "rss.xml": FEED_MEDIA_TYPES.rss,
  "atom.xml": FEED_MEDIA_TYPES.atom,
  "feed.json": FEED_MEDIA_TYPES.json,
  "feeds.json": FEED_MEDIA_TYPES.manifest,
  _headers: "text/plain; charset=utf-8",
};
const BY_EXT: Record<string, string> = {
  ".html": FEED_MEDIA_TYPES.html,
  ".opml": FEED_MEDIA_TYPES.opml,
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".xsl": "application/xslt+xml; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
};
/** Below this size gzip saves too little to be worth a round of compression. */
const GZIP_MIN = 256;

/**
 * Serves a build's output folder over HTTP for previewing: feeds with their media types
 * (`application/rss+xml`, `application/atom+xml`, `application/feed+json`, UTF-8), a strong
 * `ETag` (a hash of the bytes) and `Last-Modified`, `304 Not Modified` for `If-None-Match` and
 * `If-Modified-Since`, `HEAD`, gzip when the client accepts it, and `index.html` for folders.
 * Nothing outside the folder is served: `..`, encoded slashes and symlinks that lead out are
 * refused. The folder's real path is resolved on every request, so a build that swaps a symlink
 * to a new folder is served at once. Binds to 127.0.0.1 unless told otherwise.
 *
 * @param options - folder, port, host and an optional request hook
 * @returns the running server, once it listens
 * @example
 * const server = await startServer({ root: "public/feeds", port: 8080 });
 * console.log(`serving on ${server.url}`);
 * await server.close();
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const root = resolve(options.root);
  const host = options.host ?? "127.0.0.1";
  const cache = new Map<string, Entry>();
  const server = createServer((req, res) => {
    handle(root, req, res, cache).then(
      (status) => options.onRequest?.({ method: req.method ?? "", path: req.url ?? "", status, bytes: sent(res) }),
      () => {
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
        res.end("internal error\n");
        options.onRequest?.({ method: req.method ?? "", path: req.url ?? "", status: 500, bytes: 0 });
      },
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

function sent(res: ServerResponse): number {
  const n = Number(res.getHeader("Content-Length"));
  return Number.isFinite(n) && res.req.method !== "HEAD" && res.statusCode === 200 ? n : 0;
}

type Entry = { key: string; etag: string; body: Buffer; gzip?: Buffer };

async function handle(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  cache: Map<string, Entry>,
): Promise<number> {
  const method = req.method ?? "GET";
  if (method !== "GET" && method !== "HEAD") {
    return plain(res, 405, "only GET and HEAD are served\n", { Allow: "GET, HEAD" });
  }
  const rawPath = (req.url ?? "/").split("?")[0] as string;
  if (!rawPath.startsWith("/")) return plain(res, 400, "bad request\n");
  // %2F and %5C would let a name smuggle a separator past the segment check.
  if (/%(?:2f|5c|00)/i.test(rawPath) || rawPath.includes("\\")) return plain(res, 400, "bad request\n");
  let segments: string[];
  try {
    segments = rawPath.split("/").map((s) => decodeURIComponent(s));
  } catch {
    return plain(res, 400, "bad request\n");
  }
  if (segments.some((s) => s === ".." || s === "." || s.includes("\0"))) return plain(res, 403, "forbidden\n");

  // The folder may be a symlink swapped between builds: its real path is taken per request.
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch {
    return plain(res, 404, "not found: the output folder does not exist (build first)\n");
  }
  const wanted = resolve(realRoot, ...segments.filter((s) => s !== ""));
  let real: string;
  let stat: Stats;
  try {
    real = await fs.realpath(wanted);
    stat = await fs.stat(real);
  } catch {
    return plain(res, 404, "not found\n");
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return plain(res, 403, "forbidden\n");
  if (stat.isDirectory()) {
    if (!rawPath.endsWith("/")) {
      const query = (req.url ?? "").slice(rawPath.length);
      res.writeHead(301, { Location: `${rawPath}/${query}`, "Content-Length": "0" });
      res.end();
      return 301;
    }
    real = resolve(real, "index.html");
    try {
      stat = await fs.stat(real);
    } catch {
      return plain(res, 404, "not found: this folder has no index.html\n");
    }
  }
  if (!stat.isFile()) return plain(res, 404, "not found\n");

  const key = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  let entry = cache.get(real);
  if (entry?.key !== key) {
    const body = await fs.readFile(real);
    // RFC 9110 §8.8.3: a strong validator changes whenever the bytes do.
    entry = { key, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`, body };
    cache.set(real, entry);
  }
  const type = mediaType(real);
  const accepts = acceptsGzip(req.headers["accept-encoding"]);
  const compressible = /^(text\/|application\/(json|xml|.*\+xml|.*\+json|xslt))/.test(type);
  const useGzip = accepts && compressible && entry.body.length >= GZIP_MIN;
  if (useGzip && entry.gzip === undefined) entry.gzip = gzipSync(entry.body);
  // Each representation has its own strong tag (RFC 9110 §8.8.3.3): the gzip one differs.
  const etag = useGzip ? `${entry.etag.slice(0, -1)}-gz"` : entry.etag;
  const lastModified = new Date(Math.floor(stat.mtimeMs / 1000) * 1000);
  const headers: Record<string, string> = {
    "Content-Type": type,
    ETag: etag,
    "Last-Modified": lastModified.toUTCString(),
    // A preview: always revalidate, so a new build shows on the next request.
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
  };
  if (compressible) headers.Vary = "Accept-Encoding";
  if (notModified(req, etag, entry.etag, lastModified)) {
    res.writeHead(304, headers);
    res.end();
    return 304;
  }
  const body = useGzip ? (entry.gzip as Buffer) : entry.body;
  if (useGzip) headers["Content-Encoding"] = "gzip";
  headers["Content-Length"] = String(body.length);
  res.writeHead(200, headers);
  res.end(method === "HEAD" ? undefined : body);
  return 200;
}

function mediaType(path: string): string {
  const name = path.slice(path.lastIndexOf(sep) + 1);
  return BY_NAME[name] ?? BY_EXT[extname(name).toLowerCase()] ?? "application/octet-stream";
}

function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  for (const part of header.split(",")) {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "x-gzip" && coding !== "*") continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

// RFC 9110 §13.1.2 and §13.2.2: If-None-Match (weak comparison, either representation's tag)
// wins; If-Modified-Since counts only without it.
function notModified(req: IncomingMessage, etag: string, identityTag: string, lastModified: Date): boolean {
  const inm = req.headers["if-none-match"];
  if (inm !== undefined) {
    if (inm.trim() === "*") return true;
    const tags = inm.split(",").map((t) => t.trim().replace(/^W\//, ""));
    return tags.includes(etag) || tags.includes(identityTag);
  }
  const ims = req.headers["if-modified-since"];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && lastModified.getTime() <= since;
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): number {
  const body = Buffer.from(text, "utf8");
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": String(body.length),
    "X-Content-Type-Options": "nosniff",
    ...extra,
  });
  res.end(body);
  return status;
}
