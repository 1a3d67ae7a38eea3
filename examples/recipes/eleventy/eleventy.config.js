import { join } from "node:path";
import { buildFeeds, formatDiagnostic, loadRecords, rules, writeFiles } from "topicfeeds";

export default function (eleventyConfig) {
  // The records are data for the feeds, not pages of the site.
  eleventyConfig.ignores.add("records/**");

  // After Eleventy has written the site: the feeds go to <output>/feeds/, atomically.
  eleventyConfig.on("eleventy.after", async ({ directories }) => {
    const set = await loadRecords("records");
    const { files, report } = buildFeeds(set, {
      baseUrl: "https://news.example.com/feeds/",
      title: "Example News",
      select: [rules.published(), rules.minQuality(60)],
    });
    const errors = report.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) throw new Error(errors.map(formatDiagnostic).join("\n"));
    const out = join(directories.output, "feeds");
    const { written } = writeFiles(out, files);
    console.log(`[topicfeeds] ${report.records.published} items, ${written.length} files written to ${out}`);
  });
}
