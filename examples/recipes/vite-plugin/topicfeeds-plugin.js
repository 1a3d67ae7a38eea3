// A Vite plugin: the feeds are built when the bundle is, and emitted as assets under feeds/.
// Record diagnostics become Vite warnings; an error fails the build with its file and line.
import { buildFeeds, formatDiagnostic, loadRecords } from "topicfeeds";

/**
 * @param {{ records: string, out?: string, config: import("topicfeeds").FeedsConfig }} options
 * @returns {import("vite").Plugin}
 */
export function topicfeeds({ records, out = "feeds", config }) {
  let files = [];
  return {
    name: "topicfeeds",
    apply: "build",
    async buildStart() {
      const set = await loadRecords(records);
      const result = buildFeeds(set, config);
      for (const d of result.report.diagnostics) {
        if (d.severity === "error") this.error(formatDiagnostic(d));
        if (d.severity === "warning") this.warn(formatDiagnostic(d));
      }
      files = result.files;
    },
    generateBundle() {
      for (const f of files) this.emitFile({ type: "asset", fileName: `${out}/${f.path}`, source: f.contents });
    },
  };
}
