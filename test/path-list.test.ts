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
});
