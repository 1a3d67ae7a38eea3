import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatDiagnostic } from "../diagnostics/format-report.js";
import { isTopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { loadConfig } from "../io/load-config.js";
import { startServer } from "../serve/start-server.js";
import type { CliIo } from "./run-cli.js";

export const SERVE_HELP = `Usage: topicfeeds serve [OUT] [options]

Serves a built output folder on this machine to preview it: the front page, the preview page of
every feed, and the feeds with their real media types, ETag/Last-Modified, 304s and gzip.

  OUT                 the output folder; default from config, else ./public/feeds
  --port N            port (default 8080; 0 picks a free one)
  --host H            address to listen on (default 127.0.0.1: this machine only)
  -c, --config FILE   config file to read 'out' from
  -q, --quiet         no access log
  -h, --help          show this help

Stops on Ctrl-C.
`;

/**
 * `topicfeeds serve`: starts the preview server, prints its URL, logs requests, and returns 0
 * when stopped (by `io.stop`, else SIGINT/SIGTERM); 1 when it cannot listen, 2 for a usage error.
 */
export async function runServe(argv: string[], io: CliIo & { stop?: AbortSignal }): Promise<number> {
  let values: { port?: string; host?: string; config?: string; quiet?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        config: { type: "string", short: "c" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    io.stderr(`topicfeeds serve: ${(e as Error).message}\nRun 'topicfeeds serve --help' for usage.\n`);
    return 2;
  }
  if (values.help === true) {
    io.stdout(SERVE_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    io.stderr(`topicfeeds serve: takes one folder, got ${positionals.length}\n`);
    return 2;
  }
  const port = values.port === undefined ? 8080 : /^[0-9]{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    io.stderr(`topicfeeds serve: --port takes a number 0–65535, got ${JSON.stringify(values.port)}\n`);
    return 2;
  }
  if (values.host !== undefined && values.host.trim() === "") {
    io.stderr("topicfeeds serve: --host must not be empty\n");
    return 2;
  }
  let out: string;
  try {
    const given = positionals[0];
    if (given !== undefined) out = resolve(io.cwd, given);
    else out = (await loadConfig(values.config, io.cwd)).config.out ?? resolve(io.cwd, "public/feeds");
  } catch (e) {
    if (!isTopicfeedsError(e)) throw e;
    io.stderr(`topicfeeds: ${e.message}\n`);
    for (const d of e.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    return 1;
  }
  const shown = out.startsWith(`${io.cwd}/`) ? out.slice(io.cwd.length + 1) : out;
  if (!existsSync(out) || !statSync(out).isDirectory()) {
    io.stderr(`topicfeeds serve: ${shown} is not a folder; build first (topicfeeds build --out ${shown})\n`);
    return 1;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    const options: Parameters<typeof startServer>[0] = { root: out, port };
    if (values.host !== undefined) options.host = values.host;
    if (values.quiet !== true)
      options.onRequest = (r) => io.stdout(`${r.method} ${r.path} ${r.status}${r.bytes > 0 ? ` ${r.bytes}` : ""}\n`);
    server = await startServer(options);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === "EADDRINUSE"
        ? `port ${port} is in use; pick another with --port`
        : err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND"
          ? `cannot listen on ${values.host}: no such address on this machine`
          : err.message;
    io.stderr(`topicfeeds serve: ${why}\n`);
    return 1;
  }
  io.stdout(`Serving ${shown} at ${server.url} (Ctrl-C stops)\n`);
  await new Promise<void>((done) => {
    if (io.stop !== undefined) {
      if (io.stop.aborted) done();
      else io.stop.addEventListener("abort", () => done(), { once: true });
      return;
    }
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
  return 0;
}
