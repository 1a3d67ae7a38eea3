/**
 * Canonicalises an absolute http(s) URL with the WHATWG URL parser: lower-case host, IDN hosts
 * in punycode, non-ASCII paths percent-encoded, default ports and dot segments removed. The
 * result is a valid RFC 3986 URI, so JSON Feed `format: uri` validators and XML readers accept it.
 *
 * @param value - the URL as written in a record
 * @returns `{ url }`, or `{ error }` saying what was expected
 * @example
 * canonicalUrl("HTTPS://Example.COM:443/a/../b") // { url: "https://example.com/b" }
 */
export function canonicalUrl(value: string): { url: string; error?: undefined } | { url?: undefined; error: string } {
  const trimmed = value.trim();
  if (trimmed === "") return { error: "must be an absolute http(s) URL, got an empty string" };
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return { error: `must be an absolute http(s) URL, got ${JSON.stringify(cut(trimmed))}` };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { error: `must use http or https, got the ${JSON.stringify(parsed.protocol.slice(0, -1))} scheme` };
  }
  if (parsed.hostname === "" || !parsed.hostname.includes(".") && parsed.hostname !== "localhost") {
    return { error: `must have a full host name, got ${JSON.stringify(cut(trimmed))}` };
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return { error: "must not contain a user name or password" };
  }
  return { url: parsed.href };
}

/**
 * The key under which two URLs count as the same article: the canonical URL without fragment,
 * without `utm_*` tracking parameters and without a trailing slash on the path.
 *
 * @param canonical - a URL already passed through {@link canonicalUrl}
 * @example
 * sameArticleKey("https://a.com/x/?utm_source=t#top") // "https://a.com/x"
 */
export function sameArticleKey(canonical: string): string {
  const u = new URL(canonical);
  u.hash = "";
  if (u.search !== "") {
    const kept = [...u.searchParams].filter(([k]) => !k.toLowerCase().startsWith("utm_"));
    u.search = kept.length === 0 ? "" : new URLSearchParams(kept).toString();
  }
  let href = u.href;
  if (u.search === "" && u.pathname.length > 1 && u.pathname.endsWith("/")) href = href.slice(0, -1);
  return href;
}

function cut(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
