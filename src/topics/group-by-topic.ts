import { diagnostic } from "../diagnostics/diagnostic.js";
import type { ArticleRecord, Diagnostic, TopicConfig } from "../types.js";
import { slugify, topicKey } from "./slug.js";

/** One topic: its shown name, its slug, its config and the records that carry it. */
export interface Topic {
  key: string;
  name: string;
  slug: string;
  config: TopicConfig;
  records: ArticleRecord[];
}

/**
 * Groups records by topic. Names that differ only in case or spacing are one topic, shown in
 * their most frequent spelling (ties: the first in code-point order). Each topic gets a slug
 * (from config or {@link slugify}); when two topics map to one slug the first (by key) keeps it,
 * the next get `-2`, `-3`… and a `slug-collision` warning says so. Topics named in config get
 * a feed even without records. Pure and independent of input order.
 *
 * @param records - the records whose topics count
 * @param configured - per-topic config keyed by topic name
 * @param extraSpellings - topic names (with counts) of records that are in no feed but still name topics
 * @returns topics sorted by slug, and diagnostics
 * @example
 * groupByTopic(records).topics.map((t) => t.slug) // ["ai", "ai-in-security", "cloud"]
 */
export function groupByTopic(
  records: readonly ArticleRecord[],
  configured: Readonly<Record<string, TopicConfig>> = {},
  extraSpellings: Readonly<Record<string, number>> = {},
): { topics: Topic[]; diagnostics: Diagnostic[] } {
  const byKey = new Map<string, TopicTally>();
  const entry = (key: string) => {
    let e = byKey.get(key);
    if (e === undefined) {
      e = { spellings: new Map(), records: [] };
      byKey.set(key, e);
    }
    return e;
  };
  for (const [name, config] of Object.entries(configured)) {
    const e = entry(topicKey(name));
    e.config = config;
    e.configName = name.trim();
  }
  // Topics of records set aside by a prefilter: they name topics but are in no feed.
  for (const [t, n] of Object.entries(extraSpellings)) {
    const e = entry(topicKey(t));
    e.spellings.set(t, (e.spellings.get(t) ?? 0) + n);
  }
  for (const r of records) {
    for (const t of r.topics) {
      const e = entry(topicKey(t));
      e.spellings.set(t, (e.spellings.get(t) ?? 0) + 1);
      e.records.push(r);
    }
  }
  return nameTopics(byKey);
}

/** What {@link nameTopics} needs of one topic key: its spellings with counts, its records, its config. */
export interface TopicTally {
  spellings: Map<string, number>;
  records: ArticleRecord[];
  config?: TopicConfig;
  /** The name the config gives it (then its shown name). */
  configName?: string;
}

/**
 * The second half of {@link groupByTopic}: from the tally of each topic key, the topics with
 * their shown names and slugs (slug collisions resolved), sorted by slug. A long-running driver
 * keeps the tally up to date and calls only this.
 *
 * @param byKey - per topic key, its tally
 * @returns topics sorted by slug, and diagnostics
 * @example
 * nameTopics(new Map([["ai", { spellings: new Map([["AI", 3]]), records }]])).topics[0].name // "AI"
 */
export function nameTopics(byKey: ReadonlyMap<string, TopicTally>): { topics: Topic[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const candidates: Topic[] = [];
  for (const [key, e] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const name = e.configName ?? mostFrequent(e.spellings) ?? key;
    const config = e.config ?? {};
    const slug = config.slug !== undefined ? config.slug : slugify(name);
    if (slug === "" || !/^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{N}-]+$/u.test(slug) || slug.startsWith("-")) {
      diagnostics.push(
        diagnostic(
          "invalid-topic",
          `topic ${JSON.stringify(name)} has no usable slug (${slug === "" ? "only punctuation" : JSON.stringify(slug)}); it gets no feed of its own (set topics[${JSON.stringify(name)}].slug in the config)`,
          firstSource(e.records),
        ),
      );
      continue;
    }
    candidates.push({ key, name, slug, config, records: e.records });
  }

  const taken = new Map<string, Topic>();
  const topics: Topic[] = [];
  for (const t of candidates) {
    const holder = taken.get(t.slug);
    if (holder !== undefined) {
      let n = 2;
      while (taken.has(`${t.slug}-${n}`)) n++;
      const slug = `${t.slug}-${n}`;
      diagnostics.push(
        diagnostic(
          "slug-collision",
          `topics ${JSON.stringify(holder.name)} and ${JSON.stringify(t.name)} both map to the slug "${t.slug}"; ${JSON.stringify(t.name)} is published as "${slug}" (set a slug in the config to choose)`,
          firstSource(t.records),
        ),
      );
      t.slug = slug;
    }
    taken.set(t.slug, t);
    topics.push(t);
  }
  topics.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return { topics, diagnostics };
}

// Topic diagnostics point at the first record (by file) that uses the topic.
function firstSource(records: readonly ArticleRecord[]): { field: string; file?: string } {
  let file: string | undefined;
  for (const r of records) if (r.source !== undefined && (file === undefined || r.source < file)) file = r.source;
  return file === undefined ? { field: "topics" } : { field: "topics", file };
}

function mostFrequent(spellings: Map<string, number>): string | undefined {
  let best: string | undefined;
  let count = -1;
  for (const [s, c] of spellings) {
    if (c > count || (c === count && best !== undefined && s < best)) {
      best = s;
      count = c;
    }
  }
  return best;
}
