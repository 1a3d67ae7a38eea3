import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** One hostile input: the file (relative path), its bytes, and what topicfeeds must make of it. */
export interface HostileCase {
  path: string;
  bytes?: string | Buffer;
  /** The diagnostic code it must produce, or "ok" when it must publish (maybe with warnings). */
  expect: string;
  /** Expected line of the diagnostic, when one is known. */
  line?: number;
  /** Expected field of the diagnostic. */
  field?: string;
}

const ok = (title: string, extra = "", url = `https://hostile.example.com/${encodeURIComponent(title.slice(0, 20))}`) =>
  `---\ntitle: ${JSON.stringify(title)}\npublishedDateTime: 2024-03-01T10:00:00Z\nwebUrl: ${JSON.stringify(url)}\npublished: true\nquality: 80\ntopics:\n  - Hostile\n${extra}secured: "SECRET-${title.length}-do-not-leak"\n---\n`;

/** Every hostile input file, with the outcome each must have. */
export const HOSTILE: HostileCase[] = [
  // Files
  { path: "files/empty.md", bytes: "", expect: "no-front-matter" },
  { path: "files/only-fences.md", bytes: "---\n---\n", expect: "not-a-record" },
  { path: "files/no-front-matter.md", bytes: "# Just a heading\n\nSome text.\n", expect: "no-front-matter" },
  { path: "files/list.md", bytes: "---\n- a\n- b\n---\n", expect: "not-a-record" },
  { path: "files/scalar.md", bytes: "---\nhello\n---\n", expect: "not-a-record" },
  { path: "files/bom.md", bytes: `\uFEFF${ok("With a byte order mark")}`, expect: "ok" },
  { path: "files/crlf.md", bytes: ok("With CRLF line ends").replace(/\n/g, "\r\n"), expect: "ok" },
  {
    path: "files/nul.md",
    bytes: Buffer.concat([Buffer.from(ok("Binary")), Buffer.from([0, 1, 2, 0])]),
    expect: "invalid-encoding",
  },
  { path: "files/latin1.md", bytes: Buffer.from(ok("Caf\u00e9 in Latin-1"), "latin1"), expect: "invalid-encoding" },
  { path: "files/notes.txt", bytes: "not a record, ignored", expect: "ignored" },
  { path: "files/data.json", bytes: "{}", expect: "ignored" },
  { path: "files/deeply/nested/folder/record.markdown", bytes: ok("Nested record"), expect: "ok" },
  { path: "files/unclosed.md", bytes: "---\ntitle: x\n", expect: "no-front-matter" },
  { path: "files/bad-yaml.md", bytes: '---\ntitle: "x"\ntopics: [a, b\n---\n', expect: "yaml-syntax", line: 3 },
  {
    path: "files/alias-bomb.md",
    bytes: [
      "---",
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
      "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
      "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
      "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]",
      "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]",
      'title: "Billion laughs"',
      "publishedDateTime: 2024-03-01T10:00:00Z",
      'webUrl: "https://hostile.example.com/bomb"',
      "published: true",
      "quality: 80",
      "topics: *i",
      "---",
      "",
    ].join("\n"),
    expect: "ok",
  },
  // Fields
  {
    path: "fields/missing-title.md",
    bytes: ok("x").replace(/^title: .*\n/m, ""),
    expect: "missing-field",
    field: "title",
  },
  {
    path: "fields/empty-title.md",
    bytes: ok("x").replace(/^title: .*$/m, 'title: "   "'),
    expect: "missing-field",
    field: "title",
  },
  {
    path: "fields/quality-high.md",
    bytes: ok("Quality high").replace("quality: 80", "quality: high"),
    expect: "invalid-field",
    field: "quality",
    line: 6,
  },
  {
    path: "fields/topics-string.md",
    bytes: ok("Topics string").replace("topics:\n  - Hostile\n", "topics: AI\n"),
    expect: "field-coerced",
  },
  {
    path: "fields/published-yes.md",
    bytes: ok("Published yes").replace("published: true", 'published: "yes"'),
    expect: "invalid-field",
    field: "published",
  },
  {
    path: "fields/published-no.md",
    bytes: ok("Published no").replace("published: true", "published: no"),
    expect: "invalid-field",
    field: "published",
  },
  {
    path: "fields/octal.md",
    bytes: ok("Octal quality").replace("quality: 80", "quality: 054"),
    expect: "field-coerced",
    field: "quality",
  },
  { path: "fields/date-only.md", bytes: ok("Date only").replace("2024-03-01T10:00:00Z", "2024-03-01"), expect: "ok" },
  {
    path: "fields/date-offset.md",
    bytes: ok("Date with offset").replace("2024-03-01T10:00:00Z", '"2024-03-01T10:00:00+05:45"'),
    expect: "ok",
  },
  {
    path: "fields/date-no-offset.md",
    bytes: ok("Date without offset").replace("2024-03-01T10:00:00Z", '"2024-03-01T10:00:00"'),
    expect: "date-without-offset",
  },
  {
    path: "fields/date-epoch.md",
    bytes: ok("Epoch date").replace("2024-03-01T10:00:00Z", "1709287200"),
    expect: "invalid-date",
  },
  {
    path: "fields/date-garbage.md",
    bytes: ok("Garbage date").replace("2024-03-01T10:00:00Z", '"next Tuesday"'),
    expect: "invalid-date",
  },
  {
    path: "fields/feb30-quoted.md",
    bytes: ok("Feb 30 quoted").replace("2024-03-01T10:00:00Z", '"2023-02-30T10:00:00Z"'),
    expect: "invalid-date",
    line: 3,
  },
  {
    path: "fields/feb30-unquoted.md",
    bytes: ok("Feb 30 unquoted").replace("2024-03-01T10:00:00Z", "2023-02-30T10:00:00Z"),
    expect: "invalid-date",
    line: 3,
  },
  {
    path: "fields/quality-range.md",
    bytes: ok("Quality 140").replace("quality: 80", "quality: 140"),
    expect: "invalid-field",
    field: "quality",
  },
  { path: "fields/heat-range.md", bytes: ok("Heat -5", "heat: -5\n"), expect: "invalid-field", field: "heat" },
  // URLs
  { path: "urls/relative.md", bytes: ok("Relative", "", "/news/a"), expect: "invalid-url", field: "webUrl" },
  { path: "urls/javascript.md", bytes: ok("Javascript", "", "javascript:alert(1)"), expect: "invalid-url" },
  { path: "urls/data.md", bytes: ok("Data URL", "", "data:text/html,<b>x</b>"), expect: "invalid-url" },
  { path: "urls/spaces.md", bytes: ok("Spaces in path", "", "https://hostile.example.com/a b/c d"), expect: "ok" },
  { path: "urls/idn.md", bytes: ok("IDN host", "", "https://bücher.example/straße/ü"), expect: "ok" },
  { path: "urls/upper.md", bytes: ok("Upper-case host", "", "HTTPS://HOSTILE.EXAMPLE.COM/Upper"), expect: "ok" },
  { path: "urls/slash-a.md", bytes: ok("Trailing slash twin", "", "https://hostile.example.com/twin/"), expect: "ok" },
  {
    path: "urls/slash-b.md",
    bytes: ok("Trailing slash twin", "", "https://hostile.example.com/twin").replace(
      "2024-03-01T10:00:00Z",
      "2024-03-02T10:00:00Z",
    ),
    expect: "duplicate-record",
  },
  // Text
  { path: "text/specials.md", bytes: ok(`Q&A <b>"bold"</b> 'quote' ]]> ]]> ]]>`), expect: "ok" },
  {
    path: "text/controls.md",
    bytes: ok("x").replace(/^title: .*$/m, 'title: "Bell\\x07 and \\x01 and \\uFFFE and \\uD800 done"'),
    expect: "text-cleaned",
  },
  {
    path: "text/html-excerpt.md",
    bytes: ok("HTML excerpt", 'excerpt: "<script>alert(1)</script><img src=x onerror=alert(2)>"\n'),
    expect: "ok",
  },
  { path: "text/scripts.md", bytes: ok("Emoji 👩‍💻🇩🇪 RTL שלום عربي CJK 日本語 中文 한국어"), expect: "ok" },
  {
    path: "text/huge-excerpt.md",
    bytes: ok("Huge excerpt", `excerpt: "${"A long sentence. ".repeat(12_500)}"\n`),
    expect: "text-cleaned",
  },
  // Topics
  {
    path: "topics/case.md",
    bytes: ok("Case variants").replace(
      "  - Hostile\n",
      "  - hostile\n  - HOSTILE \n  - Machine  Learning\n  - machine learning\n",
    ),
    expect: "ok",
  },
  {
    path: "topics/collide.md",
    bytes: ok("Slug collision").replace("  - Hostile\n", "  - AI/ML\n  - AI ML\n"),
    expect: "ok",
  },
  {
    path: "topics/paths.md",
    bytes: ok("Path-like topics").replace(
      "  - Hostile\n",
      '  - "../../etc/passwd"\n  - "<script>"\n  - "a/b"\n  - ".."\n  - "rss.xml"\n  - "!!!"\n',
    ),
    expect: "invalid-topic",
  },
  {
    path: "topics/many.md",
    bytes: ok("Two hundred topics").replace(
      "  - Hostile\n",
      Array.from({ length: 200 }, (_, i) => `  - Topic ${i}\n`).join(""),
    ),
    expect: "invalid-topic",
  },
  // Duplicates
  {
    path: "dupes/original.md",
    bytes: ok(
      "Syndicated story",
      'originalUrl: "https://origin.example.com/story"\n',
      "https://origin.example.com/story",
    ),
    expect: "ok",
  },
  {
    path: "dupes/copy.md",
    bytes: ok(
      "Syndicated story",
      'originalUrl: "https://origin.example.com/story"\n',
      "https://syndicator.example.com/copy-of-story",
    ).replace("2024-03-01T10:00:00Z", "2024-03-01T12:00:00Z"),
    expect: "duplicate-record",
  },
  { path: "dupes/same-url-1.md", bytes: ok("Same URL one", "", "https://hostile.example.com/same"), expect: "ok" },
  {
    path: "dupes/same-url-2.md",
    bytes: ok("Same URL two", "", "https://hostile.example.com/same").replace(
      "2024-03-01T10:00:00Z",
      "2024-03-05T10:00:00Z",
    ),
    expect: "duplicate-record",
  },
  // Secrets and drafts
  {
    path: "drafts/draft.md",
    bytes: ok("TOP SECRET DRAFT TITLE", "", "https://hostile.example.com/draft-article").replace(
      "published: true",
      "published: false",
    ),
    expect: "ok",
  },
  {
    path: "drafts/points-at-draft.md",
    bytes: ok(
      "Points at the draft",
      'related:\n  - title: "TOP SECRET DRAFT TITLE"\n    webUrl: "https://hostile.example.com/draft-article/"\n  - title: "Fine related"\n    webUrl: "https://elsewhere.example.org/fine"\n',
    ),
    expect: "ok",
  },
];

/**
 * Writes the hostile corpus into `dir`, plus the inputs that cannot be plain files: a symbolic
 * link loop, a dangling link, and a sparse 100 MB file.
 *
 * @returns the cases, including the generated ones
 */
export function writeHostileCorpus(dir: string): HostileCase[] {
  const cases = [...HOSTILE];
  for (const c of cases) {
    const p = join(dir, c.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, c.bytes ?? "");
  }
  mkdirSync(join(dir, "links"), { recursive: true });
  symlinkSync("..", join(dir, "links", "loop"));
  symlinkSync("missing-target.md", join(dir, "links", "dangling.md"));
  cases.push({ path: "links/dangling.md", expect: "read-failed" });
  const big = join(dir, "files", "huge-100mb.md");
  writeFileSync(big, "---\n");
  truncateSync(big, 100 * 1024 * 1024);
  cases.push({ path: "files/huge-100mb.md", expect: "file-too-large" });
  return cases;
}
