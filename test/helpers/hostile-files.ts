import {
  chmodSync,
  cpSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { FIXTURES } from "./fixtures.js";

/** The committed hostile fixtures (small text files only). */
export const HOSTILE_FIXTURES = join(FIXTURES, "hostile");

/** Whether the tests run as root (chmod 000 does not stop root from reading). */
export const IS_ROOT = process.getuid?.() === 0;

/**
 * What one hostile input must come to.
 * - `code` (+ `line`, `field`): a diagnostic with exactly these values names the file;
 *   for an error code the record is rejected.
 * - `title`: the record publishes under this title (with `code` too: publishes with that warning).
 * - `ignored`: the file is not a record: not counted, no diagnostic.
 */
export interface Expectation {
  code?: string;
  line?: number;
  field?: string;
  title?: string;
  ignored?: true;
  /** publishedDateTime the record must end with. */
  published?: string;
  /** The record is read but not published (a draft): in no feed. */
  unpublished?: true;
}

const H = "https://hostile.example.com";

/** Every hostile input (relative path in the built tree) with its one correct outcome. */
export const EXPECT: Record<string, Expectation> = {
  // Files
  "files/empty.md": { code: "no-front-matter", line: 1 },
  "files/only-fences.md": { code: "not-a-record", line: 2 },
  "files/comment-only.md": { code: "not-a-record" },
  "files/null-scalar.md": { code: "not-a-record" },
  "files/no-front-matter.md": { code: "no-front-matter", line: 1 },
  "files/list.md": { code: "not-a-record" },
  "files/scalar.md": { code: "not-a-record" },
  "files/unclosed.md": { code: "no-front-matter", line: 1 },
  "files/bad-yaml.md": { code: "yaml-syntax", line: 4 },
  "files/notes.txt": { ignored: true },
  "files/data.json": { ignored: true },
  "files/deep/er/and/deeper/nested.markdown": { title: "Nested record" },
  "files/bom.md": { title: "With a byte order mark" },
  "files/crlf.md": { title: "With CRLF line ends" },
  "files/bom-crlf.md": { title: "With a BOM and CRLF line ends" },
  "files/crlf-quality-high.md": { code: "invalid-field", line: 6, field: "quality" },
  "files/nul.md": { code: "invalid-encoding" },
  "files/latin1.md": { code: "invalid-encoding" },
  "files/utf8-surrogate.md": { code: "invalid-encoding" },
  "files/utf16.md": { code: "invalid-encoding" },
  "files/huge-100mb.md": { code: "file-too-large" },
  "links/dangling.md": { code: "read-failed" },
  "links/loop": { code: "folder-skipped" },
  // Fields
  "fields/missing-title.md": { code: "missing-field", field: "title" },
  "fields/empty-title.md": { code: "missing-field", line: 2, field: "title" },
  "fields/blank-title.md": { code: "missing-field", line: 2, field: "title" },
  "fields/markup-only-title.md": { code: "missing-field", line: 2, field: "title" },
  "fields/quality-high.md": { code: "invalid-field", line: 6, field: "quality" },
  "fields/topics-string.md": { code: "field-coerced", line: 7, field: "topics", title: "Topics string" },
  "fields/published-yes.md": { code: "invalid-field", line: 5, field: "published" },
  "fields/published-no.md": { code: "invalid-field", line: 5, field: "published" },
  "fields/quality-octal.md": { code: "field-coerced", line: 6, field: "quality", title: "Octal quality" },
  "fields/quality-octal-comment.md": {
    code: "field-coerced",
    line: 6,
    field: "quality",
    title: "Octal quality with comment",
  },
  "fields/quality-string.md": { code: "field-coerced", line: 6, field: "quality", title: "Quality as text" },
  "fields/quality-range.md": { code: "invalid-field", line: 6, field: "quality" },
  "fields/quality-negative.md": { code: "invalid-field", line: 6, field: "quality" },
  "fields/quality-nan.md": { code: "invalid-field", line: 6, field: "quality" },
  "fields/heat-range.md": { code: "invalid-field", line: 10, field: "heat" },
  "fields/heat-negative.md": { code: "invalid-field", line: 10, field: "heat" },
  "fields/date-only.md": {
    code: "date-without-offset",
    line: 3,
    field: "publishedDateTime",
    title: "Date only",
    published: "2024-03-01T00:00:00Z",
  },
  "fields/date-only-quoted.md": {
    code: "date-without-offset",
    line: 3,
    field: "publishedDateTime",
    title: "Date only quoted",
    published: "2024-03-01T00:00:00Z",
  },
  "fields/date-offset.md": { title: "Date with offset", published: "2024-03-01T04:15:00Z" },
  "fields/date-offset-unquoted.md": { title: "Date with offset unquoted", published: "2024-03-01T13:30:00Z" },
  "fields/date-no-offset.md": {
    code: "date-without-offset",
    line: 3,
    field: "publishedDateTime",
    title: "Date without offset",
    published: "2024-03-01T10:00:00Z",
  },
  "fields/date-no-offset-unquoted.md": {
    code: "date-without-offset",
    line: 3,
    field: "publishedDateTime",
    title: "Date without offset unquoted",
    published: "2024-03-01T10:00:00Z",
  },
  "fields/date-space.md": {
    code: "date-without-offset",
    line: 3,
    field: "publishedDateTime",
    title: "Date with a space",
    published: "2024-03-01T10:00:00Z",
  },
  "fields/date-comment.md": { title: "Date with a comment", published: "2024-03-01T10:00:00Z" },
  "fields/date-epoch.md": { code: "invalid-date", line: 3, field: "publishedDateTime" },
  "fields/date-garbage.md": { code: "invalid-date", line: 3, field: "publishedDateTime" },
  "fields/date-feb30-quoted.md": { code: "invalid-date", line: 3, field: "publishedDateTime" },
  "fields/date-feb30-unquoted.md": { code: "invalid-date", line: 3, field: "publishedDateTime" },
  "fields/date-feb30-date-only.md": { code: "invalid-date", line: 3, field: "publishedDateTime" },
  "fields/date-feb30-short.md": { code: "invalid-date", line: 3, field: "publishedDateTime" },
  "fields/date-feb29-2023.md": { code: "invalid-date", line: 3, field: "publishedDateTime" },
  "fields/date-feb29-2024.md": { title: "Feb 29 leap year", published: "2024-02-29T10:00:00Z" },
  "fields/date-month13.md": { code: "invalid-date", line: 3, field: "publishedDateTime" },
  "fields/date-year-0099.md": { code: "invalid-date", line: 3, field: "publishedDateTime" },
  "fields/updated-feb30.md": { code: "field-ignored", line: 10, field: "updatedDateTime", title: "Updated Feb 30" },
  // URLs
  "urls/relative.md": { code: "invalid-url", line: 4, field: "webUrl" },
  "urls/protocol-relative.md": { code: "invalid-url", line: 4, field: "webUrl" },
  "urls/javascript.md": { code: "invalid-url", line: 4, field: "webUrl" },
  "urls/data.md": { code: "invalid-url", line: 4, field: "webUrl" },
  "urls/credentials.md": { code: "invalid-url", line: 4, field: "webUrl" },
  "urls/spaces.md": { title: "Spaces in path" },
  "urls/idn.md": { title: "IDN host" },
  "urls/upper.md": { title: "Upper-case host" },
  "urls/twin-slash.md": { title: "Trailing slash twin" },
  "urls/twin-plain.md": { code: "duplicate-record" },
  // Text
  "text/specials.md": { title: `Q&A "quoted" 'single' ]]> ]]> ]]> a < b > c` },
  "text/controls.md": { code: "text-cleaned", line: 2, field: "title", title: "Bell and and and done" },
  "text/html-excerpt.md": { title: "HTML excerpt" },
  "text/scripts.md": { title: "Emoji 👩‍💻🇩🇪 RTL שלום עולם مرحبا CJK 日本語 中文 한국어" },
  "text/carriage-return.md": { title: "Carriage return excerpt" },
  "text/huge-excerpt.md": { code: "text-cleaned", line: 10, field: "excerpt", title: "Huge excerpt" },
  "text/huge-emoji-excerpt.md": { code: "text-cleaned", line: 10, field: "excerpt", title: "Huge emoji excerpt" },
  "text/huge-emoji-title.md": { code: "text-cleaned", line: 2, field: "title" },
  // Topics
  "topics/case.md": { title: "Case variants" },
  "topics/collide.md": { code: "slug-collision", field: "topics", title: "Slug collision" },
  "topics/paths.md": { code: "invalid-topic", field: "topics", title: "Path-like topics" },
  "topics/scripts.md": { title: "Topics in other scripts" },
  "topics/many.md": { code: "invalid-topic", line: 7, field: "topics", title: "Two hundred topics" },
  // Duplicates
  "dupes/original.md": { title: "Syndicated story" },
  "dupes/copy.md": { code: "duplicate-record" },
  "dupes/same-url-1.md": { title: "Same URL one" },
  "dupes/same-url-2.md": { code: "duplicate-record" },
  // Secrets and drafts
  "drafts/draft.md": { unpublished: true },
  "drafts/no-flag.md": { code: "missing-published", field: "published", unpublished: true },
  "drafts/rejected-draft.md": { code: "invalid-field", line: 6, field: "quality" },
  "drafts/points-at-drafts.md": { title: "Points at drafts" },
  "drafts/points-at-rejected.md": { title: "Points at a rejected draft" },
};

/** The folders of the tree; each holds a `zz-canary.md` that must always publish. */
export const FOLDERS = ["files", "fields", "urls", "text", "topics", "dupes", "drafts"];

/** Record files whose outcome is not a single code: canaries, named by title. */
export const CANARIES = FOLDERS.map((f) => ({ path: `${f}/zz-canary.md`, title: `Canary ${f}` }));

/** A standard record (line 2 title, 3 date, 4 webUrl, 5 published, 6 quality, 7–8 topics, 9 secured, 10 extra). */
export function recordText(title: string, slug: string, extra = ""): string {
  return `---\ntitle: ${JSON.stringify(title)}\npublishedDateTime: 2024-03-01T10:00:00Z\nwebUrl: "${H}/${slug}"\npublished: true\nquality: 80\ntopics:\n  - Hostile\nsecured: "SECRET-${slug}"\n${extra}---\n\nBody.\n`;
}

/**
 * Builds the hostile tree in `dir`: the committed fixtures plus the inputs that cannot be
 * committed (BOM, CRLF, binary, invalid UTF-8, huge, symbolic links, an unreadable file).
 *
 * @returns the paths of every record file (`.md`/`.markdown`) in the tree, relative to `dir`
 */
export function buildHostileTree(dir: string): string[] {
  cpSync(HOSTILE_FIXTURES, dir, { recursive: true });
  const put = (path: string, bytes: string | Buffer) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  };
  put("files/bom.md", `\uFEFF${recordText("With a byte order mark", "bom")}`);
  put("files/crlf.md", recordText("With CRLF line ends", "crlf").replace(/\n/g, "\r\n"));
  put("files/bom-crlf.md", `\uFEFF${recordText("With a BOM and CRLF line ends", "bom-crlf").replace(/\n/g, "\r\n")}`);
  put(
    "files/crlf-quality-high.md",
    recordText("CRLF quality high", "crlf-quality-high")
      .replace("quality: 80", 'quality: "high"')
      .replace(/\n/g, "\r\n"),
  );
  put("files/nul.md", Buffer.concat([Buffer.from(recordText("Binary", "nul")), Buffer.from([0x00, 0x01, 0xff, 0x00])]));
  put("files/latin1.md", Buffer.from(recordText("Caf\u00e9 in Latin-1", "latin1"), "latin1"));
  // A UTF-8-encoded surrogate (ED A0 80) is not valid UTF-8.
  put(
    "files/utf8-surrogate.md",
    Buffer.concat([
      Buffer.from(recordText("Surrogate", "utf8-surrogate").slice(0, 20)),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from(recordText("x", "y").slice(20)),
    ]),
  );
  put("files/utf16.md", Buffer.from(`\uFEFF${recordText("UTF-16", "utf16")}`, "utf16le"));
  put(
    "text/huge-excerpt.md",
    recordText("Huge excerpt", "huge-excerpt", `excerpt: "${"A long sentence. ".repeat(12_500)}"\n`),
  );
  put(
    "text/huge-emoji-excerpt.md",
    recordText("Huge emoji excerpt", "huge-emoji-excerpt", `excerpt: "${"😀".repeat(60_000)}"\n`),
  );
  put("text/huge-emoji-title.md", recordText("😀".repeat(60_000), "huge-emoji-title"));
  // A sparse 100 MB file: no disk space, no memory, unless something reads it.
  put("files/huge-100mb.md", "---\n");
  truncateSync(join(dir, "files/huge-100mb.md"), 100 * 1024 * 1024);
  mkdirSync(join(dir, "links"), { recursive: true });
  symlinkSync("..", join(dir, "links", "loop"));
  symlinkSync("missing-target.md", join(dir, "links", "dangling.md"));
  put("links/zz-canary.md", recordText("Canary links", "canary-links"));
  return listRecordPaths(dir);
}

/** Creates `unreadable.md` (mode 000) in `dir`; meaningful only when not root. */
export function addUnreadable(dir: string, name = "unreadable.md"): void {
  writeFileSync(join(dir, name), recordText("Unreadable", "unreadable"));
  chmodSync(join(dir, name), 0o000);
}

/** Record files below `dir` (relative, `/`-separated), not following symbolic links to folders. */
export function listRecordPaths(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix === "" ? name : `${prefix}/${name}`;
    const st = lstatSync(join(dir, rel));
    if (st.isDirectory()) out.push(...listRecordPaths(dir, rel));
    else if (/\.(md|markdown)$/i.test(name)) out.push(rel);
  }
  return out;
}

/** Every path below `dir` (files, folders and links), relative; symbolic links are not followed. */
export function walkTree(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix === "" ? name : `${prefix}/${name}`;
    out.push(rel);
    const st = lstatSync(join(dir, rel));
    if (st.isDirectory()) out.push(...walkTree(dir, rel));
  }
  return out;
}
