import { describe, expect, it } from "vitest";
import { formatIso, parseDate } from "../src/records/parse-date.js";

describe("parseDate", () => {
  it("converts any offset to UTC", () => {
    expect(parseDate("2021-07-19T12:00:00+02:00")).toEqual({
      ms: Date.UTC(2021, 6, 19, 10),
      iso: "2021-07-19T10:00:00Z",
      assumedUtc: false,
    });
    expect(parseDate("2021-07-19T05:00:00-05:00")).toMatchObject({ iso: "2021-07-19T10:00:00Z" });
    expect(parseDate("2021-07-19T23:45:00+13:45")).toMatchObject({ iso: "2021-07-19T10:00:00Z" });
    expect(parseDate("2021-07-19T15:30+0530")).toMatchObject({ iso: "2021-07-19T10:00:00Z" });
  });

  it("accepts Date objects as YAML gives them", () => {
    expect(parseDate(new Date(Date.UTC(2021, 0, 1)))).toMatchObject({ iso: "2021-01-01T00:00:00Z", assumedUtc: false });
  });

  it("reads a date without an offset as UTC, never local time, and says so", () => {
    expect(parseDate("2021-07-19T10:00:00")).toEqual({
      ms: Date.UTC(2021, 6, 19, 10),
      iso: "2021-07-19T10:00:00Z",
      assumedUtc: true,
    });
    expect(parseDate("2021-07-19")).toMatchObject({ iso: "2021-07-19T00:00:00Z", assumedUtc: true });
  });

  it("keeps milliseconds only when they are not zero", () => {
    expect(parseDate("2021-07-19T10:00:00.250Z")).toMatchObject({ iso: "2021-07-19T10:00:00.250Z" });
    expect(parseDate("2021-07-19T10:00:00.000Z")).toMatchObject({ iso: "2021-07-19T10:00:00Z" });
    expect(formatIso(0)).toBe("1970-01-01T00:00:00Z");
  });

  it("rejects impossible calendar dates and times", () => {
    expect(parseDate("2021-02-30T00:00:00Z")).toHaveProperty(
      "error",
      expect.stringContaining("not a real calendar date"),
    );
    expect(parseDate("2021-13-01")).toHaveProperty("error");
    expect(parseDate("2021-01-01T24:00:00Z")).toHaveProperty("error");
    expect(parseDate("2020-02-29T00:00:00Z")).not.toHaveProperty("error");
  });

  it("rejects text, numbers and years RSS cannot write", () => {
    expect(parseDate("yesterday")).toHaveProperty("error", expect.stringContaining("ISO 8601"));
    expect(parseDate(1626688800)).toHaveProperty("error", expect.stringContaining("number"));
    expect(parseDate("0999-01-01T00:00:00Z")).toHaveProperty("error", expect.stringContaining("1000–9999"));
    // Date.UTC would read the year 99 as 1999.
    expect(parseDate("0099-01-01T00:00:00Z")).toHaveProperty("error", expect.stringContaining("the year 99"));
    expect(parseDate(new Date(Number.NaN))).toHaveProperty("error");
  });
});

describe("the test environment", () => {
  it("runs in a time zone far from UTC, so zone bugs show", () => {
    expect(new Date(Date.UTC(2024, 0, 1)).getTimezoneOffset()).toBe(210);
  });
});
