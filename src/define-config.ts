import type { TopicfeedsConfig } from "./types.js";

/**
 * Types a `topicfeeds.config.ts` (or `.mjs`) file; returns its argument unchanged.
 *
 * @param config - the config
 * @returns the same config
 * @example
 * // topicfeeds.config.ts
 * import { defineConfig, rules } from "topicfeeds";
 * export default defineConfig({ baseUrl: "https://example.com/feeds/", select: [rules.minQuality(60)] });
 */
export function defineConfig(config: TopicfeedsConfig): TopicfeedsConfig {
  return config;
}
