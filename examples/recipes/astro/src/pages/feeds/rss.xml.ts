import type { APIRoute } from "astro";
import { feedResponse } from "../../lib/feeds";

// The site-wide feed, beside the per-topic ones.
export const GET: APIRoute = () => feedResponse("rss.xml", "application/rss+xml");
