import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkNames, PathList } from "../src/io/_path-list.js";

describe("PathList", () => {
  it("gives back every path, one by one in any order and in slices", () => {
    const paths = Array.from({ length: 1000 }, (_, i) =>
      i % 300 === 0
        ? `/other/${i}.md`
        : `/site/content/${i < 500 ? "news" : "blog"}/é-${String(i).padStart(4, "0")}.md`,
    );
    const list = new PathList(paths);
    expect(list.length).toBe(1000);
    for (const i of [0, 999, 1, 256, 255, 512, 3, 700]) expect(list.get(i)).toBe(paths[i]);
    expect(list.slice(0, 1000)).toEqual(paths);
    expect(list.slice(250, 530)).toEqual(paths.slice(250, 530));
    expect(list.slice(990, 1200)).toEqual(paths.slice(990));
    expect(new PathList([]).slice(0, 10)).toEqual([]);
    expect(new PathList(["/a.md"]).get(0)).toBe("/a.md");
  });

  it("gives back each path by index, read forwards, backwards, scattered or twice", () => {
    const paths = Array.from({ length: 1300 }, (_, i) => `/site/${i % 7 === 0 ? "b" : "a"}/${i}-é.md`);
    const list = new PathList(paths);
    const order = [
      ...paths.keys(),
      ...[...paths.keys()].reverse(),
      // A fixed scatter: every index, jumping across chunks and back within one.
      ...Array.from({ length: 1300 }, (_, i) => (i * 577) % 1300),
      5,
      5,
      4,
      300,
      299,
      1299,
      0,
    ];
    for (const i of order) expect(list.get(i)).toBe(paths[i]);
  });

  it("has one digest for the same paths, and another when one path differs, comes or goes", () => {
    const paths = Array.from({ length: 600 }, (_, i) => `/site/content/${String(i).padStart(4, "0")}.md`);
    const digest = new PathList(paths).digest();
    expect(new PathList([...paths]).digest()).toBe(digest);
    const renamed = paths.with(300, "/site/content/0300-b.md");
    expect(new PathList(renamed).digest()).not.toBe(digest);
    expect(new PathList(paths.slice(0, -1)).digest()).not.toBe(digest);
    expect(new PathList([...paths, "/site/content/zz.md"]).digest()).not.toBe(digest);
    // Paths that move across a chunk's common prefix.
    expect(new PathList(["/a/b", "/a/c"]).digest()).not.toBe(new PathList(["/a/bc"]).digest());
  });
});

describe("PathList.fromRuns", () => {
  it("is the list, and has the digest, of the same paths made one by one", () => {
    // Runs of one folder, some longer than a chunk, some shorter, some sharing more than the folder.
    const runs = [
      { prefix: "/site/a/", names: Array.from({ length: 300 }, (_, i) => `post-${String(i).padStart(3, "0")}.md`) },
      { prefix: "/site/b/", names: ["x.md"] },
      { prefix: "/site/c/", names: Array.from({ length: 700 }, (_, i) => `é-${String(i).padStart(4, "0")}.md`) },
      { prefix: "/site/d.md", names: [""] },
    ];
    const paths = runs.flatMap((r) => r.names.map((n) => r.prefix + n));
    const list = PathList.fromRuns(runs);
    expect(list.length).toBe(paths.length);
    expect(list.slice(0, paths.length)).toEqual(paths);
    for (const i of [0, 255, 256, 299, 300, 301, 1000, 1001]) expect(list.get(i)).toBe(paths[i]);
    expect(list.digest()).toBe(new PathList(paths).digest());
    expect(PathList.fromRuns([]).length).toBe(0);
  });

  it("never cuts a prefix between the two halves of a surrogate pair", () => {
    // 😀 and 😁 share their first UTF-16 unit: a prefix ending there would not survive UTF-8.
    const paths = ["/c/😀.md", "/c/😁.md"];
    expect(new PathList(paths).slice(0, 2)).toEqual(paths);
    expect(PathList.fromRuns([{ prefix: "/c/", names: ["😀.md", "😁.md"] }]).slice(0, 2)).toEqual(paths);
  });
});

describe("PathList's front-coded chunks", () => {
  // Paths as listings are: folders of names alike at the start (some longer than a name may
  // share), some not ASCII, some with surrogate pairs cut anywhere by a shared start.
  const name = fc.oneof(
    fc.constantFrom("a", "ab", "post-", "😀", "😁", "é", "x".repeat(130), "-2", ".md"),
    fc.string({ unit: "grapheme", maxLength: 4 }),
  );
  const path = fc
    .tuple(fc.constantFrom("/site/", "/site/news/", "/other/😀/"), fc.array(name, { minLength: 1, maxLength: 5 }))
    .map(([dir, parts]) => dir + parts.join("").replace(/\0/g, ""));
  const paths = fc.array(path, { maxLength: 700 });

  it("give back every path in any order, sorted or not, and the chunks decode to them", () => {
    fc.assert(
      fc.property(paths, fc.boolean(), fc.array(fc.nat(), { maxLength: 60 }), (list, sort, reads) => {
        const given = sort ? [...list].sort() : list;
        const made = new PathList(given);
        expect(made.slice(0, given.length)).toEqual(given);
        // Scattered reads, forwards and back, within a chunk and across chunks.
        for (const r of reads) if (given.length > 0) expect(made.get(r % given.length)).toBe(given[r % given.length]);
        for (let i = 0; i < given.length; i++) expect(made.get(i)).toBe(given[i]);
        const { prefixes, rests, size } = made.stored();
        const decoded = prefixes.flatMap((p, c) => chunkNames(rests[c] as string).map((n) => p + n));
        expect(decoded).toEqual(given);
        expect(rests.every((r, c) => chunkNames(r).length === Math.min(size, given.length - c * size))).toBe(true);
        // Stored and read back as the listing cache does: through UTF-8.
        const again = PathList.fromStored({
          prefixes: prefixes.map((p) => Buffer.from(p).toString()),
          rests: rests.map((r) => Buffer.from(r).toString()),
          length: given.length,
        });
        expect(again.slice(0, given.length)).toEqual(given);
        expect(again.digest()).toBe(made.digest());
      }),
      { numRuns: 150 },
    );
  });

  it("hold sorted names in a fraction of their length, as ASCII when the paths are", () => {
    // (Some share more than a count can say: 150 characters.)
    const names = Array.from(
      { length: 5000 },
      (_, i) => `/site/content/provider-${i % 7}-${i % 3 === 0 ? "x".repeat(150) : ""}the-story-of-${i}.md`,
    ).sort();
    const { prefixes, rests } = new PathList(names).stored();
    const kept = [...prefixes, ...rests].join("").length;
    const whole = names.join("").length;
    expect(kept).toBeLessThan(whole / 2);
    expect([...prefixes, ...rests].every((r) => /^[\x00-\x7f]*$/.test(r))).toBe(true);
  });
});
