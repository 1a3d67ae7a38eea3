import { rules } from "topicfeeds";
import { defineConfig } from "vite";
import { topicfeeds } from "./topicfeeds-plugin.js";

export default defineConfig({
  plugins: [
    topicfeeds({
      records: "content",
      config: {
        baseUrl: "https://news.example.com/feeds/",
        title: "Example News",
        select: [rules.published(), rules.minQuality(60)],
      },
    }),
  ],
});
