import type { APIRoute, GetStaticPaths } from "astro";
import { feedResponse, topicSlugs } from "../../../lib/feeds";

export const getStaticPaths = (async () =>
  (await topicSlugs()).map((topic) => ({ params: { topic } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => feedResponse(`${params.topic}/atom.xml`, "application/atom+xml");
