import { defineConfig } from "astro/config";

// A static site: every endpoint under src/pages/ is rendered to a file at build time.
export default defineConfig({
  site: "https://news.example.com",
  output: "static",
});
