// Feeds from records held in code (a CMS, an API, a database): normalise the objects, build the
// feeds, write them atomically. A broken entry is reported by its index, never dropped silently.
import { buildFeeds, formatReport, normalizeRecords, rules, writeFiles } from "topicfeeds";
import { fetchArticles } from "./cms.mjs";

const set = normalizeRecords(await fetchArticles());
const { files, report } = buildFeeds(set, {
  baseUrl: "https://news.example.com/feeds/",
  title: "Example News",
  select: [rules.published(), rules.minQuality(60)],
  limit: 20,
});
const { written, unchanged } = writeFiles("public/feeds", files);
console.log(formatReport(report, { out: "public/feeds", written: written.length, unchanged: unchanged.length }));
