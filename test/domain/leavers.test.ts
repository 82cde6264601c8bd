import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connectStatusOf } from "../../src/domain/hire-status.js";
import { disconnectAtFor, endRefusal, needsLink, type EndFacts } from "../../src/domain/leavers.js";

describe("disconnectAtFor: 00:00 tenant-local on endDate + 1 + N", () => {
  const rows: [string, string, string, number, string][] = [
    ["N = 5 across the spring change (Stockholm, 2026-03-29)", "2026-03-24", "Europe/Stockholm", 5, "2026-03-29T22:00:00.000Z"],
    ["N = 5 before the change: winter time", "2026-03-20", "Europe/Stockholm", 5, "2026-03-25T23:00:00.000Z"],
    ["N = 5 across the autumn change (Stockholm, 2026-10-25)", "2026-10-22", "Europe/Stockholm", 5, "2026-10-27T23:00:00.000Z"],
    ["N = 0: midnight right after the last day", "2026-03-24", "Europe/Stockholm", 0, "2026-03-24T23:00:00.000Z"],
    ["N = 365 over a year end: 2028-01-01 00:00+01:00", "2026-12-31", "Europe/Stockholm", 365, "2027-12-31T23:00:00.000Z"],
    ["a zone west of UTC", "2026-03-24", "America/New_York", 5, "2026-03-30T04:00:00.000Z"],
    ["a skipped midnight (Santiago's spring change, 2026-09-06): the change itself", "2026-08-31", "America/Santiago", 5, "2026-09-06T04:00:00.000Z"],
  ];
  for (const [name, endDate, zone, n, expected] of rows) test(name, () => assert.equal(disconnectAtFor(endDate, zone, n).toISOString(), expected));
});

describe("endRefusal", () => {
  const NOW = new Date("2026-03-25T13:00:00Z");
  const open: EndFacts = { status: "ACTIVE", reviewStatus: "NOT_REQUIRED", startDate: "2026-03-02", endDate: null, disconnectAt: null };
  const removed: EndFacts = { ...open, endDate: "2026-03-10", disconnectAt: new Date("2026-03-15T23:00:00Z") };
  const rows: [string, EndFacts, string | null, string | null][] = [
    ["an end date on an open employment", open, "2026-03-24", null],
    ["the start date itself: a one-day employment", open, "2026-03-02", null],
    ["before the start date", open, "2026-03-01", "BAD_USER_INPUT"],
    ["a cancelled employment", { ...open, status: "CANCELLED" }, "2026-03-24", "CONFLICT"],
    ["a rejected employment", { ...open, reviewStatus: "REJECTED" }, null, "CONFLICT"],
    ["a removal still planned may move", { ...open, endDate: "2026-03-24", disconnectAt: new Date("2026-03-29T22:00:00Z") }, "2026-04-01", null],
    ["a removal still planned may be withdrawn", { ...open, endDate: "2026-03-24", disconnectAt: new Date("2026-03-29T22:00:00Z") }, null, null],
    ["after the removal another date", removed, "2026-03-31", "CONFLICT"],
    ["after the removal a withdrawal", removed, null, "CONFLICT"],
    ["after the removal the same date again", removed, "2026-03-10", null],
    ["at the removal's instant it is due: it stands", { ...removed, disconnectAt: NOW }, "2026-04-01", "CONFLICT"],
  ];
  for (const [name, facts, endDate, code] of rows) test(name, () => assert.equal(endRefusal(facts, endDate, NOW)?.code ?? null, code));
});

describe("needsLink: does another employment keep the employee's link?", () => {
  const NOW = new Date("2026-03-25T13:00:00Z");
  const rows: [string, Parameters<typeof needsLink>[0], boolean][] = [
    ["active, no end date", { status: "ACTIVE", reviewStatus: "NOT_REQUIRED", disconnectAt: null }, true],
    ["active, approved, its removal later", { status: "ACTIVE", reviewStatus: "APPROVED", disconnectAt: new Date("2026-04-01T00:00:00Z") }, true],
    ["its own removal has come", { status: "ACTIVE", reviewStatus: "NOT_REQUIRED", disconnectAt: NOW }, false],
    ["cancelled", { status: "CANCELLED", reviewStatus: "NOT_REQUIRED", disconnectAt: null }, false],
    ["rejected", { status: "ACTIVE", reviewStatus: "REJECTED", disconnectAt: null }, false],
    ["waiting for review (re-linked at its final approval)", { status: "ACTIVE", reviewStatus: "PENDING", disconnectAt: null }, false],
  ];
  for (const [name, facts, expected] of rows) test(name, () => assert.equal(needsLink(facts, NOW), expected));
});

describe("connectStatusOf with a removed link", () => {
  const base = { employmentStatus: "ACTIVE" as const, reviewStatus: "NOT_REQUIRED" as const, hasUser: true, email: "a@acme.se", invitation: null };
  test("an account whose link was removed is DISCONNECTED", () => assert.equal(connectStatusOf({ ...base, connected: false, disconnected: true }, new Date()), "DISCONNECTED"));
  test("also when the employment was cancelled afterwards", () =>
    assert.equal(connectStatusOf({ ...base, employmentStatus: "CANCELLED", connected: false, disconnected: true }, new Date()), "DISCONNECTED"));
  test("re-linked (a rehire) it is CONNECTED again", () => assert.equal(connectStatusOf({ ...base, connected: true, disconnected: false }, new Date()), "CONNECTED"));
});
