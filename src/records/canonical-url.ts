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
  // Most URLs already are in canonical form; the WHATWG parser would return them unchanged.
  if (CANONICAL.test(value) && !DOT_SEGMENT.test(value)) return { url: value };
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
  if (parsed.hostname === "" || (!parsed.hostname.includes(".") && parsed.hostname !== "localhost")) {
    return { error: `must have a full host name, got ${JSON.stringify(cut(trimmed))}` };
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return { error: "must not contain a user name or password" };
  }
  return { url: parsed.href };
}

// Lower-case ASCII host with a dot and no port, a path and query of characters the WHATWG URL
// serializer leaves as they are (no `'` in the query: special schemes encode it there), no fragment.
const CANONICAL =
  /^https?:\/\/(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z](?:[a-z0-9-]*[a-z0-9])?\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*)?$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?]|$)|%(?![0-9A-Fa-f]{2})|%2[eE]/;

/**
 * The key under which two URLs count as the same article: the canonical URL without fragment,
 * without `utm_*` tracking parameters and without a trailing slash on the path.
 *
 * @param canonical - a URL already passed through {@link canonicalUrl}
 * @example
 * sameArticleKey("https://a.com/x/?utm_source=t#top") // "https://a.com/x"
 */
export function sameArticleKey(canonical: string): string {
  // String operations only (this runs for every record): the input is already a canonical href.
  let href = canonical;
  const hash = href.indexOf("#");
  if (hash !== -1) href = href.slice(0, hash);
  const q = href.indexOf("?");
  let path = q === -1 ? href : href.slice(0, q);
  let query = q === -1 ? "" : href.slice(q + 1);
  if (query !== "") {
    query = query
      .split("&")
      .filter((pair) => pair !== "" && !/^utm_/i.test(pair))
      .join("&");
  }
  if (query === "" && path.endsWith("/") && path.indexOf("/", path.indexOf("//") + 2) < path.length - 1)
    path = path.slice(0, -1);
  return query === "" ? path : `${path}?${query}`;
}

function cut(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
