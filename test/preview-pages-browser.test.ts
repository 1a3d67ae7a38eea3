import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeedManifest } from "../src/render/render-manifest.js";
import { ROOT, tempDir } from "./helpers/fixtures.js";
import { buildFixtureSite, type ServeProcess, startServeProcess } from "./helpers/serve-process.js";

// A real browser: Debian's chromium (scripts/setup-system.sh installs it), driven by
// playwright-core, opens the pages `topicfeeds serve` serves. Screenshots go to
// .cache/screenshots/ (ignored by git) for a person to look at.
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const SHOTS = process.env.TOPICFEEDS_SCREENSHOTS ?? join(ROOT, ".cache", "screenshots");
const READ_PAGE = readFileSync(join(ROOT, "test", "helpers", "read-page.browser.js"), "utf8")
  .replace(/^\/\/.*\n/gm, "")
  .trim()
  .replace(/;$/, "");
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const PLACEHOLDER =
  '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200"><rect width="320" height="200" fill="#8a94a6"/></svg>';

let server: ServeProcess;
let out: string;
let browser: Browser;
let manifest: FeedManifest;

interface JsonFeed {
  title: string;
  description?: string;
  items: {
    title: string;
    url: string;
    summary?: string;
    image?: string;
    date_published: string;
    authors?: { name: string }[];
  }[];
}
// The topic with the most items that have images: the fullest page.
const busiestTopic = () =>
  manifest._topicfeeds.feeds
    .filter((f) => f.topic !== null && f.format === "json")
    .map((f) => ({ slug: f.slug, n: feedJson(f.slug).items.filter((i) => i.image !== undefined).length }))
    .sort((a, b) => b.n - a.n)[0]?.slug as string;
const feedJson = (dir: string) => JSON.parse(readFileSync(join(out, dir, "feed.json"), "utf8")) as JsonFeed;

async function newContext(options: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  // Offline: only the preview server is reached. Article images (on the public web) are drawn
  // as grey placeholders, so screenshots show the layout with images.
  await context.route(
    (url) => !url.href.startsWith(server.url) && url.protocol !== "file:",
    (route) =>
      route.request().resourceType() === "image"
        ? route.fulfill({ contentType: "image/svg+xml", body: PLACEHOLDER })
        : route.abort(),
  );
  return context;
}

/** Everything the tests look at on a page, read in one round trip (see helpers/read-page.browser.js). */
async function read(page: Page): Promise<PageContents> {
  return (await page.evaluate(`(${READ_PAGE})()`)) as PageContents;
}

interface PageContents {
  h1: string | null;
  description: string | null;
  webPage: string | null | undefined;
  alternates: { href: string; type: string | null; title: string | null }[];
  subs: { label: string | null; href: string; value: string; button: boolean }[];
  items: {
    title: string | null;
    href: string | null;
    meta: string | null;
    excerpt: string | null;
    image: string | null;
  }[];
  cards: { name: string | null; href: string; meta: string | null; newest: (string | null)[]; formats: string[] }[];
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = (await page.evaluate(
    'axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"] } })',
  )) as { violations: { id: string; help: string; nodes: { target: string[] }[] }[] };
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

// Generous time per test: each page is a real browser round trip, and the machine may be shared.
describe.runIf(hasChromium)("preview pages in a real browser (headless Chromium)", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    const dir = tempDir("topicfeeds-browser-");
    out = join(dir, "out");
    mkdirSync(out);
    server = await startServeProcess(out);
    buildFixtureSite(out, server.url);
    manifest = JSON.parse(readFileSync(join(out, "feeds.json"), "utf8")) as FeedManifest;
    mkdirSync(SHOTS, { recursive: true });
    // launch() starts Chromium with a fresh temporary profile (its own --user-data-dir), removed on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows every topic on the front page with its item count, newest date, newest titles and feed links", async () => {
    const context = await newContext();
    const page = await context.newPage();
    const response = await page.goto(server.url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toBe("text/html; charset=utf-8");
    const got = await read(page);
    const topics = manifest._topicfeeds.feeds.filter((f) => f.topic !== null && f.format === "json");
    expect(topics.length).toBeGreaterThan(5);
    expect(got.h1).toBe("Example News");
    expect(got.cards.map((c) => c.name)).toEqual(topics.map((t) => t.topic));
    for (const [i, t] of topics.entries()) {
      const card = got.cards[i] as (typeof got.cards)[number];
      expect(card.href).toBe(`${server.url}${t.slug}/index.html`);
      expect(card.meta).toContain(`${t.items} article${t.items === 1 ? "" : "s"}`);
      if (t.items > 0) expect(card.meta).toContain((t.newest as string).slice(0, 10));
      expect(card.newest).toEqual(
        feedJson(t.slug)
          .items.slice(0, 3)
          .map((x) => x.title),
      );
      expect(card.formats).toEqual(["rss.xml", "atom.xml", "feed.json"].map((n) => `${server.url}${t.slug}/${n}`));
    }
    // The site-wide feed: subscribe links and its articles, in feed order.
    expect(got.subs.map((x) => x.value)).toEqual(
      manifest._topicfeeds.feeds.filter((f) => f.slug === "").map((f) => f.url),
    );
    expect(got.items.map((x) => x.title)).toEqual(feedJson("").items.map((x) => x.title));
    await context.close();
  });

  it("shows each topic's preview page with the feed's title, description, items and subscribe links", async () => {
    const context = await newContext();
    const page = await context.newPage();
    for (const t of manifest._topicfeeds.feeds.filter((f) => f.topic !== null && f.format === "json")) {
      const feed = feedJson(t.slug);
      await page.goto(`${server.url}${t.slug}/`);
      const got = await read(page);
      expect(got.h1).toBe(feed.title);
      expect(got.description).toBe(feed.description);
      expect(got.items.map((i) => ({ title: i.title, href: i.href, excerpt: i.excerpt, image: i.image }))).toEqual(
        feed.items.map((i) => ({ title: i.title, href: i.url, excerpt: i.summary ?? null, image: i.image ?? null })),
      );
      for (const [i, item] of feed.items.entries()) {
        const meta = got.items[i]?.meta ?? "";
        expect(meta).toContain(item.date_published.slice(0, 10));
        if (item.authors?.[0] !== undefined) expect(meta).toContain(item.authors[0].name);
      }
      // Subscribe: one link, field and visible button per format, the field holding the public URL.
      expect(got.subs).toEqual(
        manifest._topicfeeds.feeds
          .filter((f) => f.slug === t.slug)
          .map((f) => ({
            label: { rss: "RSS", atom: "Atom", json: "JSON Feed" }[f.format],
            href: `${server.url}${f.path}`,
            value: f.url,
            button: true,
          })),
      );
      // The topic's own web page, from topicUrl.
      expect(got.webPage).toBe(`https://news.example.com/topics/${t.slug}/`);
    }
    await context.close();
  });

  it("has autodiscovery links that resolve to the served feeds with their media types", async () => {
    const context = await newContext();
    const page = await context.newPage();
    const pages = [
      "",
      ...manifest._topicfeeds.feeds.filter((f) => f.topic !== null && f.format === "json").map((f) => f.slug),
    ];
    for (const slug of pages) {
      await page.goto(`${server.url}${slug === "" ? "" : `${slug}/`}`);
      const links = (await read(page)).alternates;
      expect(links.map((l) => l.type)).toEqual([
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
      ]);
      for (const link of links) {
        const r = await context.request.get(link.href);
        expect(r.status(), link.href).toBe(200);
        expect(r.headers()["content-type"]).toBe(`${link.type}; charset=utf-8`);
        const entry = manifest._topicfeeds.feeds.find((f) => `${server.url}${f.path}` === link.href);
        expect(entry?.type, link.href).toBe(link.type);
        expect(link.title).toBe(
          `${entry?.title} (${{ rss: "RSS", atom: "Atom", json: "JSON Feed" }[entry?.format ?? "rss"]})`,
        );
      }
    }
    await context.close();
  });

  it("copies a feed URL with the copy button, also from a page opened from the disk", async () => {
    const slug = manifest._topicfeeds.feeds.find((f) => f.topic !== null && f.items > 0)?.slug as string;
    const want = manifest._topicfeeds.feeds.find((f) => f.slug === slug && f.format === "atom")?.url;
    for (const url of [`${server.url}${slug}/`, pathToFileURL(join(out, slug, "index.html")).href]) {
      const context = await newContext();
      // A file: page has an opaque origin that cannot be granted clipboard access: it falls back to
      // copying the selection, and the clipboard is read back from the server's origin.
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url.slice(0, -1) });
      const page = await context.newPage();
      await page.goto(url);
      const button = page.locator('button[data-copy="url-atom"]');
      await button.click();
      await expect.poll(() => button.locator("span").first().textContent()).toBe("Copied");
      const reader = await context.newPage();
      await reader.goto(server.url);
      expect(await reader.evaluate("navigator.clipboard.readText()")).toBe(want);
      await context.close();
    }
  });

  it("is readable without script: the URLs are there, the copy buttons stay hidden", async () => {
    const context = await newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const slug = manifest._topicfeeds.feeds.find((f) => f.topic !== null && f.items > 0)?.slug as string;
    await page.goto(`${server.url}${slug}/`);
    const got = await read(page);
    expect(got.subs.map((x) => x.button)).toEqual([false, false, false]);
    expect(got.subs.map((x) => x.value)).toEqual(
      manifest._topicfeeds.feeds.filter((f) => f.slug === slug).map((f) => f.url),
    );
    await context.close();
  });

  it("shows record text as text: titles with <script> and markup run nothing and add no elements", async () => {
    const context = await newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    for (const path of ["", "hostile/"]) {
      await page.goto(`${server.url}${path}`);
      // Our one script; no element from record text.
      expect(await page.locator("script").count()).toBe(1);
      expect(await page.locator("main i, main svg, main img[onerror], main not-a-tag").count()).toBe(0);
    }
    expect(await page.locator("ol.items .excerpt").allInnerTexts()).toContain(
      "<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>",
    );
    await page.goto(server.url);
    expect(await page.locator("h3").allInnerTexts()).toContain(
      "Q&A: <script>alert(1)</script> ]]> and ]]> again — “quotes” 'single' 🔐👩‍💻 שלום 日本語",
    );
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it("passes the axe-core accessibility checks (WCAG 2.1 AA and best practice) in light and dark", async () => {
    // The front page, the topic with the most items and the one with hostile text: every kind of
    // element the pages have (the others differ only in text).
    const slugs = [busiestTopic(), "hostile"];
    expect(slugs[0]).not.toBe("hostile");
    for (const colorScheme of ["light", "dark"] as const) {
      const context = await newContext({ colorScheme });
      const page = await context.newPage();
      for (const slug of ["", ...slugs]) {
        await page.goto(`${server.url}${slug === "" ? "" : `${slug}/`}`);
        expect(await axeViolations(page), `${colorScheme} /${slug}`).toEqual([]);
      }
      await context.close();
    }
  });

  it("fits a phone and a desktop screen, light and dark (screenshots for review)", async () => {
    const slug = busiestTopic();
    for (const [name, viewport] of [
      ["phone", { width: 390, height: 844 }],
      ["desktop", { width: 1280, height: 900 }],
    ] as const) {
      for (const colorScheme of ["light", "dark"] as const) {
        const context = await newContext({ viewport, colorScheme, deviceScaleFactor: 1 });
        const page = await context.newPage();
        for (const [label, path] of [
          ["front", ""],
          ["topic", `${slug}/`],
        ] as const) {
          await page.goto(`${server.url}${path}`);
          // Nothing wider than the screen: no sideways scrolling on a phone.
          expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(viewport.width);
          const file = join(SHOTS, `${label}-${name}-${colorScheme}.png`);
          await page.screenshot({ path: file, fullPage: true });
          expect(statSync(file).size).toBeGreaterThan(5_000);
        }
        await context.close();
      }
    }
  });
});

describe.skipIf(hasChromium)("chromium missing", () => {
  it("is installed by scripts/setup-system.sh (CI runs it); the browser tests are skipped here", () => {
    expect(readFileSync(join(ROOT, "scripts", "setup-system.sh"), "utf8")).toContain("chromium");
  });
});
