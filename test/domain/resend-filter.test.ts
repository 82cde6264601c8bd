import { test } from "node:test";
import assert from "node:assert/strict";
import { matchesResendFilter, resendFilterProblem, type ResendFilter } from "../../src/domain/resend-filter.js";

const NOW = new Date("2026-03-25T13:00:00Z");
const filter = (f: Partial<ResendFilter>): ResendFilter => ({ statuses: ["SENT"], startDateFrom: null, startDateTo: null, ...f });
const sent = (expiresAt: string) => ({ status: "SENT" as const, expiresAt: new Date(expiresAt) });

test("matchesResendFilter: the current invitation's status as clients see it, and the start date within the range (ends included)", () => {
  const cases: [string, ResendFilter, string, Parameters<typeof matchesResendFilter>[2], boolean][] = [
    ["a valid sent link, SENT asked", filter({}), "2026-04-01", sent("2026-03-30T22:00:00Z"), true],
    ["a sent link past its time is EXPIRED, not SENT", filter({}), "2026-04-01", sent("2026-03-25T12:00:00Z"), false],
    ["… and matches EXPIRED", filter({ statuses: ["EXPIRED"] }), "2026-04-01", sent("2026-03-25T12:00:00Z"), true],
    ["one being sent (SENDING) is SCHEDULED", filter({ statuses: ["SCHEDULED"] }), "2026-04-01", { status: "SENDING", expiresAt: null }, true],
    ["FAILED", filter({ statuses: ["FAILED", "SENT"] }), "2026-04-01", { status: "FAILED", expiresAt: null }, true],
    ["no invitation matches nothing", filter({ statuses: ["SCHEDULED", "SENT", "EXPIRED", "CANCELLED", "FAILED", "VERIFIED"] }), "2026-04-01", null, false],
    ["the first day of the range", filter({ startDateFrom: "2026-04-01" }), "2026-04-01", sent("2026-03-30T22:00:00Z"), true],
    ["the day before the range", filter({ startDateFrom: "2026-04-01" }), "2026-03-31", sent("2026-03-30T22:00:00Z"), false],
    ["the last day of the range", filter({ startDateTo: "2026-04-01" }), "2026-04-01", sent("2026-03-30T22:00:00Z"), true],
    ["the day after the range", filter({ startDateTo: "2026-04-01" }), "2026-04-02", sent("2026-03-30T22:00:00Z"), false],
  ];
  for (const [name, f, startDate, current, expected] of cases) assert.equal(matchesResendFilter(f, { startDate }, current, NOW), expected, name);
});

test("resendFilterProblem: a range that ends before it starts, or dates outside the supported years, are the caller's mistake", () => {
  assert.equal(resendFilterProblem(filter({ startDateFrom: "2026-04-01", startDateTo: "2026-04-01" })), null);
  assert.equal(resendFilterProblem(filter({ startDateFrom: "2026-04-02", startDateTo: "2026-04-01" }))?.field, "startDateFrom");
  assert.equal(resendFilterProblem(filter({ startDateTo: "9999-01-01" }))?.field, "startDateTo");
});
