// One build of every feed, shared by the endpoints: Astro calls getStaticPaths and each GET in
// the same process, so the records are read and the feeds rendered once.
import { buildFeeds, formatDiagnostic, loadRecords, rules } from "topicfeeds";

export const BASE_URL = "https://news.example.com/feeds/";

let built: Promise<Map<string, string>> | undefined;

/** Every feed file by its path under /feeds/ (`ai/rss.xml`, `rss.xml`, …). */
export function feedFiles(): Promise<Map<string, string>> {
  built ??= (async () => {
    const set = await loadRecords("content");
    const { files, report } = buildFeeds(set, {
      baseUrl: BASE_URL,
      siteUrl: "https://news.example.com/",
      title: "Example News",
      select: [rules.published(), rules.minQuality(60)],
    });
    // A rejected record fails the site build with its file and line, like any build error.
    const errors = report.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) throw new Error(errors.map(formatDiagnostic).join("\n"));
    return new Map(files.map((f) => [f.path, f.contents]));
  })();
  return built;
}

/** The topic slugs that have feeds: the `[topic]` of each endpoint. */
export async function topicSlugs(): Promise<string[]> {
  const slugs = new Set<string>();
  for (const path of (await feedFiles()).keys()) {
    const slash = path.indexOf("/");
    if (slash > 0) slugs.add(path.slice(0, slash));
  }
  return [...slugs].sort();
}

/** A response holding one feed file, with the media type readers expect. */
export async function feedResponse(path: string, type: string): Promise<Response> {
  const body = (await feedFiles()).get(path);
  if (body === undefined) return new Response(null, { status: 404 });
  return new Response(body, { headers: { "Content-Type": `${type}; charset=utf-8` } });
}
