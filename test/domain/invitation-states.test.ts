import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { StoredInvitationStatus } from "../../src/domain/hire-status.js";
import { closedReason, linkMayConnect, REPLACEABLE, resendRefusal, startDateReplans, WENT_OUT } from "../../src/domain/invitation-states.js";

const NOW = new Date("2026-03-25T13:00:00Z");
const LATER = new Date("2026-03-29T22:00:00Z");
const EARLIER = new Date("2026-03-25T12:59:59Z");

describe("closedReason", () => {
  const rows: [string, Parameters<typeof closedReason>[0], string | null][] = [
    ["active, no review → open", { status: "ACTIVE", reviewStatus: "NOT_REQUIRED" }, null],
    ["active, in review → open", { status: "ACTIVE", reviewStatus: "PENDING" }, null],
    ["cancelled → closed", { status: "CANCELLED", reviewStatus: "NOT_REQUIRED" }, "The employment is cancelled"],
    ["rejected → closed", { status: "ACTIVE", reviewStatus: "REJECTED" }, "The employment was rejected"],
  ];
  for (const [name, employment, reason] of rows) test(name, () => assert.equal(closedReason(employment), reason));
});

describe("startDateReplans (R8: before sending only)", () => {
  const rows: [StoredInvitationStatus | null, boolean][] = [
    [null, true],
    ["SCHEDULED", true],
    ["CANCELLED", true],
    ["SENDING", false],
    ["SENT", false],
    ["EXPIRED", false],
    ["VERIFIED", false],
    ["FAILED", false], // refused for good: a new start date does not try the same address again; HR fixes it or resends
  ];
  for (const [status, replans] of rows) test(`current invitation ${status ?? "none"} → ${replans ? "re-planned" : "the link stands"}`, () => assert.equal(startDateReplans(status), replans));
});

describe("FAILED (R10) is finished", () => {
  test("nothing replaces it: it stays FAILED in the list, with its reason", () => assert.ok(!REPLACEABLE.includes("FAILED")));
  test("a new address after it is mailed at once, like one after a sent link", () => assert.ok(WENT_OUT.includes("FAILED")));
});

describe("resendRefusal", () => {
  type Facts = Parameters<typeof resendRefusal>[0];
  const open: Facts = { status: "ACTIVE", reviewStatus: "NOT_REQUIRED", hasUser: true, connected: false, email: "anna@example.org" };
  const rows: [string, Partial<Facts>, string | null][] = [
    ["an open hire with a user and an address → resent", {}, null],
    ["cancelled → refused", { status: "CANCELLED" }, "The employment is cancelled"],
    ["rejected → refused", { reviewStatus: "REJECTED" }, "The employment was rejected"],
    ["in review → refused until the final approval", { reviewStatus: "PENDING" }, "The employment waits for its final approval; the invitation goes out after it"],
    ["no user → refused", { hasUser: false }, "This hire has no user: the employment template links no user template"],
    ["connected → refused", { connected: true }, "The hire's account is already connected"],
    ["no address → refused, naming the field", { email: null }, "The hire has no e-mail address: add one with changeEmail"],
  ];
  for (const [name, change, message] of rows) {
    test(name, () => assert.equal(resendRefusal({ ...open, ...change })?.message ?? null, message));
  }
  test("no address names the field email", () => assert.equal(resendRefusal({ ...open, email: null })?.field, "email"));
});

describe("linkMayConnect (R6, R8)", () => {
  const employment = { status: "ACTIVE" as const, reviewStatus: "NOT_REQUIRED" as const, currentInvitationId: "inv-1" };
  const invitation = { id: "inv-1", status: "SENT" as StoredInvitationStatus, expiresAt: LATER };
  const rows: [string, Record<string, unknown>, Record<string, unknown>, boolean][] = [
    ["the current, sent, unexpired link of an active employment → connects", {}, {}, true],
    ["the employment was cancelled → no", { status: "CANCELLED" }, {}, false],
    ["the employment was rejected → no", { reviewStatus: "REJECTED" }, {}, false],
    ["a resend made another invitation current → no", { currentInvitationId: "inv-2" }, {}, false],
    ["already used → no", {}, { status: "VERIFIED" }, false],
    ["cancelled invitation → no", {}, { status: "CANCELLED" }, false],
    ["expired at this instant → no", {}, { expiresAt: NOW }, false],
    ["expired before → no", {}, { expiresAt: EARLIER }, false],
  ];
  for (const [name, e, i, may] of rows) {
    test(name, () => assert.equal(linkMayConnect({ ...employment, ...e } as typeof employment, { ...invitation, ...i } as typeof invitation, NOW), may));
  }
});
