import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Type-level tests of the public API (test/types/*.test-d.ts), checked by tsc.
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The whole suite runs in a time zone with a -3:30 offset (and the CLI tests spawn builds under
    // Pacific/Chatham, +13:45): output must never depend on the machine's zone.
    env: { TZ: "America/St_Johns" },
  },
});
