import { describe, expect, it } from "vitest";
import { normalizeRecords } from "../src/records/normalize-records.js";
import { groupByTopic } from "../src/topics/group-by-topic.js";
import { slugify, topicKey } from "../src/topics/slug.js";
import { rawRecord } from "./helpers/fixtures.js";

describe("slugify", () => {
  it.each([
    ["AI in Security", "ai-in-security"],
    ["Identity & Access Management", "identity-and-access-management"],
    ["IoT/OT Security", "iot-ot-security"],
    ["C++", "c-plus-plus"],
    ["C#", "c-sharp"],
    ["Künstliche Intelligenz", "kunstliche-intelligenz"],
    ["5G", "5g"],
    ["日本語 ニュース", "日本語-ニュース"],
    ["rss.xml", "rss-xml"],
    ["../../etc", "etc"],
    ["<script>", "script"],
    ["コーヒー", "コーヒー"],
    ["हिन्दी समाचार", "हिन्दी-समाचार"],
    ["ภาษาไทย", "ภาษาไทย"],
  ])("%s → %s", (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it("gives an empty slug for names of only punctuation", () => {
    expect(slugify("!!! ... ///")).toBe("");
  });

  it("never yields a path separator or a dot", () => {
    for (const name of ["a/b", "a\\b", "..", ".hidden", "x.y"]) expect(slugify(name)).not.toMatch(/[./\\]/);
  });

  it("merges names differing in case and spacing", () => {
    expect(topicKey(" AI  in Security")).toBe(topicKey("ai in security"));
  });
});

describe("groupByTopic", () => {
  const set = normalizeRecords([
    rawRecord({ webUrl: "https://a.com/1", topics: ["AI in Security"] }),
    rawRecord({ webUrl: "https://a.com/2", topics: ["ai in  security", "AI/ML"] }),
    rawRecord({ webUrl: "https://a.com/3", topics: ["AI in Security", "AI ML"] }),
    rawRecord({ webUrl: "https://a.com/4", topics: ["!!!"] }),
  ]);

  it("merges case and spacing variants under the most frequent spelling", () => {
    const { topics } = groupByTopic(set.records);
    const t = topics.find((x) => x.slug === "ai-in-security");
    expect(t?.name).toBe("AI in Security");
    expect(t?.records).toHaveLength(3);
  });

  it("reports two names that map to one slug and keeps both feeds", () => {
    const { topics, diagnostics } = groupByTopic(set.records);
    expect(topics.map((t) => [t.name, t.slug])).toEqual(
      expect.arrayContaining([
        ["AI ML", "ai-ml"],
        ["AI/ML", "ai-ml-2"],
      ]),
    );
    expect(diagnostics.filter((d) => d.code === "slug-collision")).toHaveLength(1);
  });

  it("reports a topic without a usable slug", () => {
    const { topics, diagnostics } = groupByTopic(set.records);
    expect(topics.some((t) => t.name === "!!!")).toBe(false);
    expect(diagnostics.find((d) => d.code === "invalid-topic")?.message).toContain("!!!");
  });

  it("uses configured slugs and creates configured topics without records", () => {
    const { topics } = groupByTopic(set.records, { "AI/ML": { slug: "aiml" }, Quantum: {} });
    expect(topics.find((t) => t.name === "AI/ML")?.slug).toBe("aiml");
    expect(topics.find((t) => t.name === "Quantum")?.records).toEqual([]);
  });

  it("does not depend on record order", () => {
    const a = groupByTopic(set.records).topics.map((t) => [t.slug, t.name]);
    const b = groupByTopic([...set.records].reverse()).topics.map((t) => [t.slug, t.name]);
    expect(b).toEqual(a);
  });
});
