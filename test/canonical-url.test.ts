import { describe, expect, it } from "vitest";
import { canonicalUrl, sameArticleKey } from "../src/records/canonical-url.js";

describe("canonicalUrl", () => {
  it("lower-cases hosts, drops default ports and dot segments", () => {
    expect(canonicalUrl("HTTPS://Example.COM:443/a/../b")).toEqual({ url: "https://example.com/b" });
  });
  it("writes IDN hosts in punycode and percent-encodes non-ASCII paths", () => {
    expect(canonicalUrl("https://例え.jp/ü path")).toEqual({ url: "https://xn--r8jz45g.jp/%C3%BC%20path" });
  });
  it("refuses relative URLs, other schemes, bare hosts and credentials", () => {
    expect(canonicalUrl("/relative/path").error).toMatch(/absolute/);
    expect(canonicalUrl("javascript:alert(1)").error).toMatch(/javascript/);
    expect(canonicalUrl("data:text/html,hi").error).toMatch(/data/);
    expect(canonicalUrl("https://intranet/x").error).toMatch(/full host/);
    expect(canonicalUrl("https://u:p@example.com/").error).toMatch(/password/);
    expect(canonicalUrl("").error).toMatch(/empty/);
  });
});

describe("sameArticleKey", () => {
  it("ignores fragments, utm_ parameters and a trailing slash", () => {
    const a = sameArticleKey("https://a.com/x/?utm_source=t&utm_medium=m#top");
    expect(a).toBe("https://a.com/x");
    expect(sameArticleKey("https://a.com/x")).toBe(a);
  });
  it("keeps meaningful query parameters", () => {
    expect(sameArticleKey("https://a.com/x?id=1&utm_source=t")).toBe("https://a.com/x?id=1");
    expect(sameArticleKey("https://a.com/x?id=1")).not.toBe(sameArticleKey("https://a.com/x?id=2"));
  });
});

describe("canonicalUrl fast path", () => {
  it("returns exactly what the WHATWG URL parser returns, for any web URL", async () => {
    const fc = await import("fast-check");
    fc.assert(
      fc.property(
        fc.webUrl({ validSchemes: ["http", "https"], withQueryParameters: true, withFragments: true }),
        (u) => {
          const r = canonicalUrl(u);
          const host = new URL(u).hostname;
          if (!host.includes(".") && host !== "localhost") return r.error !== undefined;
          return r.url === new URL(u).href;
        },
      ),
      { seed: 4242, numRuns: 3000 },
    );
  });

  it.each([
    "https://a.com",
    "https://a.com/a/./b",
    "https://a.com/a/../b",
    "https://a.com/%2e%2e/x",
    "https://a.com/x?q='a'",
    "https://A.com/x",
    "https://a.com./x",
    "https://a.com/x%zz",
    "https://a.com/.",
    "https://a.com/x/..",
  ])("agrees with the WHATWG parser on %s", (u) => {
    expect(canonicalUrl(u).url).toBe(new URL(u).href);
  });
});
