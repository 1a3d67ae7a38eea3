import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildFeeds, type RecordSet } from "../src/build.js";
import { createFeedState, type RecordFileOutcome } from "../src/create-feed-state.js";
import { isTopicfeedsError } from "../src/diagnostics/topicfeeds-error.js";
import { addDropRow, dropRow } from "../src/io/record-rows.js";
import { normalizeRecord } from "../src/records/normalize-record.js";
import { compilePrefilter, emptySummary } from "../src/select/prefilter.js";
import type { BuildResult, FeedsConfig, Rule } from "../src/types.js";

// The long-running build (createFeedState) against buildFeeds: after every edit of a random
// sequence, the state's build must equal a full build of the same files, byte for byte, report
// and diagnostics included. Small vocabularies make the interesting cases common: copies of one
// article (shared URLs), ties in dates, topic spellings, drafts that related links point at.

const hosts = ["a.com", "b.org", "www.a.com"];
const slugs = ["x", "y", "z", "w"];
const url = fc
  .tuple(fc.constantFrom(...hosts), fc.constantFrom(...slugs), fc.constantFrom("", "?utm_source=t", "/"))
  .map(([h, s, q]) => `https://${h}/${s}${q}`);
const date = fc
  .tuple(fc.integer({ min: 0, max: 5 }), fc.constantFrom("00:00:00", "12:30:00", "12:30:00.000"))
  .map(([d, t]) => `2024-03-0${d + 1}T${t}Z`);
const topic = fc.constantFrom("AI", "ai", " AI ", "Cloud", "cloud", "Go", "C++", "!!!");
const recordData = fc.record(
  {
    title: fc.constantFrom("One", "Two", "<b>Three</b>", "Four & more"),
    excerpt: fc.constantFrom("Short.", "Longer text\nwith a break."),
    webUrl: url,
    originalUrl: url,
    publishedDateTime: date,
    updatedDateTime: date,
    published: fc.boolean(),
    quality: fc.integer({ min: 0, max: 100 }),
    heat: fc.integer({ min: 0, max: 100 }),
    topics: fc.array(topic, { maxLength: 3 }),
    related: fc.array(fc.record({ title: fc.constant("See"), url }), { maxLength: 2 }),
  },
  { requiredKeys: ["title", "webUrl", "publishedDateTime", "published", "topics"] },
);
// A broken record: rejected with a diagnostic (a draft's URLs stay hidden).
const content = fc.oneof(
  { weight: 8, arbitrary: recordData.map((d) => d as Record<string, unknown>) },
  {
    weight: 1,
    arbitrary: recordData.map((d) => ({ ...d, publishedDateTime: "yesterday" }) as Record<string, unknown>),
  },
);
const path = fc.constantFrom(...Array.from({ length: 14 }, (_, i) => `content/r${String(i).padStart(2, "0")}.md`));
const edit = fc.record({ path, content: fc.option(content, { nil: undefined }) });

const configs: { name: string; config: FeedsConfig; locked?: boolean }[] = [
  {
    name: "an id lock that grows with each build",
    config: { baseUrl: "https://example.com/feeds/", limit: 3 },
    locked: true,
  },
  { name: "defaults", config: { baseUrl: "https://example.com/feeds/", limit: 3 } },
  {
    name: "quality, own topic rules, no dedupe in one",
    config: {
      baseUrl: "https://example.com/feeds/",
      minQuality: 40,
      limit: 4,
      topics: {
        AI: {
          select: [
            { rule: "minHeat", value: 30 },
            { rule: "limit", value: 2 },
          ],
        },
        Cloud: { title: "Clouds", select: [{ rule: "dedupe", value: false }] },
        Rust: { description: "configured, maybe empty" },
      },
    },
  },
  {
    name: "sorted by updated, exclude a topic, archives",
    config: {
      baseUrl: "https://example.com/feeds/",
      limit: 2,
      select: [
        { rule: "sort", by: "updated" },
        { rule: "topics", exclude: ["go"] },
      ] as Rule[],
      archive: { pageSize: 2 },
    },
  },
  {
    name: "no published filter, no site-wide feeds",
    config: {
      baseUrl: "https://example.com/feeds/",
      siteFeeds: false,
      select: [{ rule: "published", value: false }] as Rule[],
    },
  },
];

function outcomes(files: Map<string, Record<string, unknown>>, config: FeedsConfig, prefiltered: boolean) {
  const prefilter = prefiltered ? compilePrefilter(config) : undefined;
  const out = new Map<string, RecordFileOutcome>();
  for (const [p, data] of files) {
    const n = normalizeRecord(data, { file: p });
    const r = n.record;
    if (r === undefined) {
      out.set(p, {
        diagnostics: n.diagnostics,
        ...(n.hiddenKeys === undefined ? {} : { drop: ["", n.hiddenKeys, [], null] as const }),
      });
      continue;
    }
    const rule = prefilter?.dropRule(r);
    if (prefilter !== undefined && rule !== undefined)
      out.set(p, { diagnostics: n.diagnostics, drop: dropRow(prefilter, r, rule) });
    else out.set(p, { diagnostics: n.diagnostics, record: r });
  }
  return out;
}

// The record set a scan gives for these outcomes: files in code-point order.
function recordSet(all: Map<string, RecordFileOutcome>, prefiltered: boolean): RecordSet {
  const set: RecordSet = { records: [], diagnostics: [], read: all.size, rejected: 0 };
  const dropped = emptySummary();
  const hidden: string[] = [];
  for (const p of [...all.keys()].sort()) {
    const o = all.get(p) as RecordFileOutcome;
    set.diagnostics.push(...o.diagnostics);
    if (o.record !== undefined) set.records.push(o.record);
    else if (o.drop !== undefined && o.drop[0] !== "")
      addDropRow(dropped, o.drop as [string, string[], string[], string | null]);
    else {
      set.rejected++;
      if (o.drop !== undefined) hidden.push(...o.drop[1]);
    }
  }
  if (prefiltered) set.dropped = dropped;
  if (hidden.length > 0) set.hiddenKeys = hidden;
  return set;
}

function attempt(build: () => BuildResult): BuildResult | string {
  try {
    return build();
  } catch (e) {
    if (isTopicfeedsError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
}

function comparable(r: BuildResult | string) {
  return typeof r === "string" ? r : { files: r.files, report: r.report, idLock: r.idLock };
}

describe("createFeedState", () => {
  for (const { name, config, locked } of configs) {
    for (const prefiltered of [false, true]) {
      it(`equals a full build after every edit (${name}${prefiltered ? ", prefiltered" : ""})`, () => {
        fc.assert(
          fc.property(
            fc.array(edit, { minLength: 1, maxLength: 25 }),
            fc.integer({ min: 1, max: 4 }),
            (edits, batch) => {
              let cfg: FeedsConfig = { ...config, now: "2024-03-10T00:00:00Z" };
              if (locked === true) cfg.idLock = { version: 1, ids: {} };
              const state = createFeedState(cfg, { prefiltered });
              const files = new Map<string, Record<string, unknown>>();
              for (let i = 0; i < edits.length; i++) {
                const e = edits[i] as (typeof edits)[number];
                if (e.content === undefined) files.delete(e.path);
                else files.set(e.path, e.content);
                // The state is told of the file as it is now (as the watcher reads it).
                const now = outcomes(files, cfg, prefiltered);
                state.set(e.path, now.get(e.path));
                expect(state.get(e.path)).toBe(now.get(e.path));
                if ((i + 1) % batch !== 0 && i !== edits.length - 1) continue;
                const expected = attempt(() => buildFeeds(recordSet(now, prefiltered), cfg));
                const actual = attempt(() => state.build());
                expect(comparable(actual)).toEqual(comparable(expected));
                // As a driver does after writing the updated lock.
                if (locked && typeof expected !== "string" && expected.idLock !== undefined) {
                  cfg = { ...cfg, idLock: expected.idLock };
                  state.setIdLock(expected.idLock);
                }
              }
            },
          ),
          { seed: 20261126, numRuns: 60 },
        );
      });
    }
  }
});
