import { isTopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { type PingOptions, type PingReport, pingHubs } from "../io/ping-hubs.js";

/** Streams the ping command writes to. */
export interface PingIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * `topicfeeds ping`: notifies the WebSub hubs the feeds in `out` name of every feed that changed
 * since they last accepted a notification, prints what happened, and returns the exit code: 0
 * when every hub accepted (or nothing changed), 1 when a hub kept failing or nothing names a hub.
 *
 * @param out - the output folder (absolute)
 * @param shown - how to name the folder in messages
 * @param io - streams
 * @param options - timeouts and retries
 * @param json - print the report as JSON on stdout
 * @returns the exit code
 */
export async function runPing(
  out: string,
  shown: string,
  io: PingIo,
  options: PingOptions = {},
  json = false,
): Promise<number> {
  let report: PingReport;
  try {
    report = await pingHubs(out, options);
  } catch (e) {
    io.stderr(`topicfeeds ping: ${isTopicfeedsError(e) ? e.message : (e as Error).message}\n`);
    return 1;
  }
  if (json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  if (report.hubs.length === 0) {
    io.stderr(
      `topicfeeds ping: no feed in ${shown} names a WebSub hub (${report.feeds} feeds); set hub in the config or build with --hub URL\n`,
    );
    return 1;
  }
  let failed = 0;
  for (const h of report.hubs) {
    const parts = [`${h.notified.length} notified`, `${h.unchanged} unchanged`];
    if (h.failed.length > 0) parts.push(`${h.failed.length} failed`);
    io.stderr(`topicfeeds ping: ${h.hub}: ${parts.join(", ")}\n`);
    for (const f of h.failed) io.stderr(`  failed  ${f.feed}: ${f.reason}\n`);
    failed += h.failed.length;
  }
  if (failed > 0) {
    io.stderr(
      `topicfeeds ping: ${failed} notification${failed === 1 ? "" : "s"} not accepted; run 'topicfeeds ping' again to retry them\n`,
    );
    return 1;
  }
  return 0;
}
