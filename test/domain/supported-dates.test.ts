import { test } from "node:test";
import assert from "node:assert/strict";
import { DateTime } from "luxon";
import { isCalendarDate } from "../../src/domain/supported-dates.js";

test("a calendar date is a day that exists: leap days in leap years only, 30 days in April, June, September, November", () => {
  for (const date of ["2028-02-29", "2000-02-29", "2026-04-30", "2026-12-31", "1970-01-01", "9000-12-31"]) assert.ok(isCalendarDate(date), date);
  for (const date of ["2026-02-29", "1900-02-29", "2100-02-29", "2026-04-31", "2026-06-31", "2026-09-31", "2026-11-31", "2026-00-10", "2026-13-01", "2026-01-00", "2026-01-32"]) {
    assert.ok(!isCalendarDate(date), date);
  }
  for (const text of ["2026-3-05", "26-03-2026", "2026-03-05T10:00", " 2026-03-05", "2026-03-05 ", "", "tomorrow", "2026/03/05", "２０２６-03-05"]) assert.ok(!isCalendarDate(text), text);
});

test("every day of twelve sample years (leap, century, 400-year), and the impossible days between them, as luxon reads them", () => {
  for (const year of [1600, 1700, 1899, 1900, 1970, 1999, 2000, 2024, 2026, 2100, 2400, 9000]) {
    for (let month = 0; month <= 13; month++) {
      for (let day = 0; day <= 32; day++) {
        const date = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
        assert.equal(isCalendarDate(date), DateTime.fromISO(date, { zone: "utc" }).isValid, date);
      }
    }
  }
});
