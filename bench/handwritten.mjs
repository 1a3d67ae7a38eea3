// The pipeline a user would write by hand with gray-matter and feed@6: for every topic, the 50
// newest records with published: true and quality >= 50, as RSS, Atom and JSON Feed.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Feed } from "feed";
import matter from "gray-matter";

const [dir, out] = process.argv.slice(2);
const byTopic = new Map();
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith(".md")) continue;
  const { data } = matter(readFileSync(join(dir, name), "utf8"), {});
  if (data.published !== true || !(data.quality >= 50)) continue;
  for (const topic of data.topics ?? []) {
    if (!byTopic.has(topic)) byTopic.set(topic, []);
    byTopic.get(topic).push(data);
  }
}
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "topic";
for (const [topic, records] of byTopic) {
  records.sort((a, b) => new Date(b.publishedDateTime) - new Date(a.publishedDateTime));
  const items = records.slice(0, 50);
  const feed = new Feed({
    title: `Example: ${topic}`,
    id: `https://example.com/feeds/${slug(topic)}/`,
    link: "https://example.com/",
    copyright: "",
    updated: new Date(items[0]?.publishedDateTime ?? 0),
  });
  for (const r of items) {
    feed.addItem({
      title: r.title,
      id: r.webUrl,
      link: r.webUrl,
      description: r.excerpt,
      date: new Date(r.publishedDateTime),
      author: [{ name: r.provider?.name }],
      category: (r.topics ?? []).map((name) => ({ name })),
    });
  }
  const folder = join(out, slug(topic));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "rss.xml"), feed.rss2());
  writeFileSync(join(folder, "atom.xml"), feed.atom1());
  writeFileSync(join(folder, "feed.json"), feed.json1());
}
