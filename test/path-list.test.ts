import { describe, expect, it } from "vitest";
import { PathList } from "../src/io/_path-list.js";

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
