// The pipeline a user would write by hand with gray-matter and feed@6:
//   node bench/handwritten.mjs DIR OUT
// Reads every *.md of DIR (sorted), keeps published: true and quality >= 50, and writes for every
// topic the 50 newest as OUT/<slug>/{rss.xml,atom.xml,feed.json}, plus the site-wide feed (the 50
// newest of all kept records) as OUT/{rss.xml,atom.xml,feed.json}. Same job as `topicfeeds build`.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Feed } from "feed";
import matter from "gray-matter";

const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  console.error("usage: node bench/handwritten.mjs DIR OUT");
  process.exit(2);
}
const BASE = "https://example.com/feeds/";
const LIMIT = 50;

const kept = [];
const byTopic = new Map();
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith(".md")) continue;
  const { data } = matter(readFileSync(join(dir, name), "utf8"), {});
  if (data.published !== true || !(data.quality >= 50)) continue;
  data.time = new Date(data.publishedDateTime).getTime();
  kept.push(data);
  for (const topic of new Set(data.topics ?? [])) {
    const list = byTopic.get(topic);
    if (list) list.push(data);
    else byTopic.set(topic, [data]);
  }
}

const slug = (s) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\+/g, "p")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "") || "topic";

const used = new Set();
writeFeed("", "All topics", kept);
for (const [topic, records] of byTopic) {
  let s = slug(topic);
  for (let i = 2; used.has(s); i++) s = `${slug(topic)}-${i}`;
  used.add(s);
  writeFeed(`${s}/`, topic, records);
}

function writeFeed(path, topic, records) {
  const items = records.sort((a, b) => b.time - a.time).slice(0, LIMIT);
  const self = BASE + path;
  const feed = new Feed({
    title: `Example feeds: ${topic}`,
    description: `The newest articles about ${topic}`,
    id: self,
    link: "https://example.com/",
    language: "en",
    copyright: "",
    generator: "handwritten (gray-matter + feed)",
    // The newest change among the items, so the output does not depend on the clock.
    updated: new Date(Math.max(0, ...items.map((r) => new Date(r.updatedDateTime ?? r.publishedDateTime).getTime()))),
    feedLinks: { rss: `${self}rss.xml`, atom: `${self}atom.xml`, json: `${self}feed.json` },
  });
  for (const r of items) {
    feed.addItem({
      title: r.title,
      id: r.webUrl,
      link: r.webUrl,
      description: r.excerpt,
      date: new Date(r.updatedDateTime ?? r.publishedDateTime),
      published: new Date(r.publishedDateTime),
      author: [{ name: r.provider?.name, link: r.provider?.domain ? `https://${r.provider.domain}/` : undefined }],
      category: (r.topics ?? []).map((name) => ({ name })),
      image: r.images?.[0]?.url,
    });
  }
  const folder = join(out, path);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "rss.xml"), feed.rss2());
  writeFileSync(join(folder, "atom.xml"), feed.atom1());
  writeFileSync(join(folder, "feed.json"), feed.json1());
}
