import { describe, expect, it } from "vitest";
import { groupDigits } from "../src/diagnostics/_group-digits.js";

describe("groupDigits", () => {
  it("writes every number as toLocaleString('en-US') does", () => {
    const samples = [
      0, -0, 1, -1, 7, 12, 123, 999, 1000, -1000, 1001, 12_345, 999_999, 1_000_000, 100_000, 1.5, -2.25, 1e21,
    ];
    samples.push(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY);
    // Deterministic pseudo-random whole numbers of every length.
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      samples.push(Math.floor((x / 2 ** 31) * 10 ** (i % 16)) * (i % 3 === 0 ? -1 : 1));
    }
    for (const n of samples) expect(groupDigits(n), String(n)).toBe(n.toLocaleString("en-US"));
  });
});
