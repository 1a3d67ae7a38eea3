// Type-level tests of the public API: what the README shows compiles, and the mistakes users make
// (a misspelled key, a string where a number goes, an unknown rule) are compile errors.
import { describe, expectTypeOf, it } from "vitest";
import {
  type ArticleRecord,
  type BuildResult,
  buildFeeds,
  type CustomRule,
  createFeedState,
  createRenderMemo,
  defineConfig,
  isTopicfeedsError,
  type RecordSet,
  type Rule,
  rules,
  type TopicfeedsConfig,
  TopicfeedsError,
  type WatchHandle,
  type WatchUpdate,
  watchFeeds,
} from "../../src/index.js";

declare const records: ArticleRecord[];
declare const set: RecordSet;

describe("defineConfig", () => {
  it("accepts the README's config", () => {
    const config = defineConfig({
      input: "content",
      out: "public/feeds",
      baseUrl: "https://example.com/feeds/",
      title: "Example",
      minQuality: 60,
      limit: 20,
      select: [rules.minHeat(10), rules.dateWindow({ maxAge: "P30D" })],
      topics: { AI: { title: "AI news", select: [rules.limit(10)] } },
    });
    expectTypeOf(config).toEqualTypeOf<TopicfeedsConfig>();
  });

  it("accepts hubs, archives globally and per topic, and a byte budget", () => {
    const config = defineConfig({
      baseUrl: "https://example.com/feeds/",
      hub: ["https://hub.example.com/", "https://pubsubhubbub.appspot.com/"],
      archive: { pageSize: 50 },
      maxBytes: 1_000_000,
      topics: { AI: { archive: false }, Cloud: { archive: true } },
    });
    expectTypeOf(config).toEqualTypeOf<TopicfeedsConfig>();
    // @ts-expect-error the page size is a number
    defineConfig({ archive: { pageSize: "50" } });
    // @ts-expect-error pageSize, not size
    defineConfig({ archive: { size: 50 } });
  });

  it("rejects a misspelled key", () => {
    // @ts-expect-error minQualty is not a config key (minQuality is)
    defineConfig({ baseUrl: "https://example.com/feeds/", minQualty: 60 });
  });

  it("rejects a string where a number goes", () => {
    // @ts-expect-error limit is a number
    defineConfig({ baseUrl: "https://example.com/feeds/", limit: "20" });
  });

  it("rejects a misspelled topic setting", () => {
    // @ts-expect-error tilte is not a topic key
    defineConfig({ topics: { ai: { tilte: "AI" } } });
  });
});

describe("rules", () => {
  it("builds plain-data rules", () => {
    expectTypeOf(rules.minQuality(60)).toEqualTypeOf<Rule>();
    expectTypeOf(rules.custom("has-image", (r) => r.images.length > 0)).toEqualTypeOf<CustomRule>();
    expectTypeOf(rules.custom).parameter(1).parameter(0).toEqualTypeOf<ArticleRecord>();
  });

  it("rejects wrong argument types", () => {
    // @ts-expect-error minQuality takes a number
    rules.minQuality("60");
    // @ts-expect-error sort is by published or updated
    rules.sort("title");
    // @ts-expect-error dateWindow has no maxAgeDays
    rules.dateWindow({ maxAgeDays: 30 });
  });

  it("rejects an unknown rule in plain-data form", () => {
    // @ts-expect-error there is no rule "minQualty"
    const rule: Rule = { rule: "minQualty", value: 60 };
    expectTypeOf(rule).toEqualTypeOf<Rule>();
  });
});

describe("buildFeeds", () => {
  it("takes a record list or a loaded record set and returns files and a report", () => {
    expectTypeOf(buildFeeds(records, { baseUrl: "https://example.com/feeds/" })).toEqualTypeOf<BuildResult>();
    expectTypeOf(buildFeeds(set, { baseUrl: "https://example.com/feeds/", strict: true })).toEqualTypeOf<BuildResult>();
    expectTypeOf(buildFeeds([{ title: "t", webUrl: "https://a.example/" }], { baseUrl: "https://x.example/" }))
      .toHaveProperty("files")
      .toBeArray();
  });

  it("requires baseUrl", () => {
    // @ts-expect-error baseUrl is required
    buildFeeds(records, { title: "no base" });
  });

  it("rejects options that are not build options", () => {
    // @ts-expect-error verify is a function of the rendered files
    buildFeeds(records, { baseUrl: "https://example.com/feeds/" }, { verify: true });
  });
});

describe("watchFeeds", () => {
  it("takes paths, the build config and an output folder, and gives a handle to close", () => {
    const watching = watchFeeds(
      ["content"],
      { baseUrl: "https://example.com/feeds/" },
      {
        out: "public/feeds",
        onBuild: (u) => expectTypeOf(u).toEqualTypeOf<WatchUpdate>(),
      },
    );
    expectTypeOf(watching).resolves.toEqualTypeOf<WatchHandle>();
    expectTypeOf<WatchHandle["close"]>().returns.resolves.toBeVoid();
    expectTypeOf<WatchUpdate["cause"]>().toEqualTypeOf<"initial" | "config" | "records">();
  });

  it("requires the output folder", () => {
    // @ts-expect-error out is required
    void watchFeeds(["content"], { baseUrl: "https://example.com/feeds/" }, {});
  });
});

describe("createFeedState", () => {
  it("is set one record file at a time and builds what buildFeeds builds", () => {
    const state = createFeedState({ baseUrl: "https://example.com/feeds/" }, { prefiltered: false });
    state.set("a.md", { record: records[0] as ArticleRecord, diagnostics: [] });
    state.set("a.md", undefined);
    expectTypeOf(state.build()).toEqualTypeOf<BuildResult>();
    expectTypeOf(state.build({ verify: () => [] })).toEqualTypeOf<BuildResult>();
    // @ts-expect-error the state keeps its own render memo
    state.build({ memo: createRenderMemo() });
    // @ts-expect-error an outcome lists its diagnostics
    state.set("b.md", { record: records[0] as ArticleRecord });
  });
});

describe("errors", () => {
  it("narrows with the guard", () => {
    const e: unknown = new TopicfeedsError("invalid-config", "bad", []);
    if (isTopicfeedsError(e)) expectTypeOf(e.code).toBeString();
  });
});
