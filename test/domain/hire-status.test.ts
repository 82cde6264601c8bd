import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
  visibleInvitationStatus,
  linkState,
  connectStatusOf,
  maskEmail,
  type ConnectStatus,
  type HireFacts,
  type InvitationFacts,
  type InvitationStatus,
  type LinkState,
  type StoredInvitationStatus,
} from "../../src/domain/hire-status.js";

const NOW = new Date("2026-03-25T13:00:00.000Z");
const LATER = new Date("2026-03-29T22:00:00.000Z");
const EARLIER = new Date("2026-03-20T22:00:00.000Z");

function invitation(status: StoredInvitationStatus, expiresAt: Date | null = null): InvitationFacts {
  return { status, expiresAt };
}

describe("visibleInvitationStatus", () => {
  const rows: [string, InvitationFacts, Date, InvitationStatus][] = [
    ["a scheduled invitation is scheduled", invitation("SCHEDULED"), NOW, "SCHEDULED"],
    ["a claimed invitation being sent is still scheduled to clients", invitation("SENDING"), NOW, "SCHEDULED"],
    ["a sent link before its expiry is sent", invitation("SENT", LATER), NOW, "SENT"],
    ["a sent link one millisecond before its expiry is sent", invitation("SENT", LATER), new Date(LATER.getTime() - 1), "SENT"],
    ["a sent link at the exact instant of expiry is expired, before any job marks it", invitation("SENT", LATER), LATER, "EXPIRED"],
    ["a sent link past its expiry is expired", invitation("SENT", EARLIER), NOW, "EXPIRED"],
    ["a stored expiry stays expired", invitation("EXPIRED", EARLIER), NOW, "EXPIRED"],
    ["a verified invitation stays verified after its expiry", invitation("VERIFIED", EARLIER), NOW, "VERIFIED"],
    ["a cancelled invitation stays cancelled", invitation("CANCELLED", LATER), NOW, "CANCELLED"],
  ];
  for (const [rule, facts, now, expected] of rows) {
    test(`${rule} → ${expected}`, () => {
      assert.equal(visibleInvitationStatus(facts, now), expected);
    });
  }
});

describe("linkState", () => {
  const rows: [string, InvitationFacts | null, Date, LinkState][] = [
    ["an unknown token", null, NOW, "INVALID"],
    ["a link superseded by a resend, an address change or a cancellation", invitation("CANCELLED", LATER), NOW, "INVALID"],
    ["a link that verified an account", invitation("VERIFIED", LATER), NOW, "USED"],
    ["a used link stays used after its expiry", invitation("VERIFIED", EARLIER), NOW, "USED"],
    ["a link marked expired", invitation("EXPIRED", EARLIER), NOW, "EXPIRED"],
    ["a sent link past its expiry, not yet marked", invitation("SENT", EARLIER), NOW, "EXPIRED"],
    ["a sent link at the exact instant of expiry", invitation("SENT", LATER), LATER, "EXPIRED"],
    ["a sent link one millisecond before its expiry", invitation("SENT", LATER), new Date(LATER.getTime() - 1), "VALID"],
    ["a sent link before its expiry", invitation("SENT", LATER), NOW, "VALID"],
    ["a scheduled invitation has no link yet", invitation("SCHEDULED"), NOW, "INVALID"],
    ["an invitation being sent has no link yet", invitation("SENDING"), NOW, "INVALID"],
    ["an invitation the mail server refused for good never had a link", invitation("FAILED"), NOW, "INVALID"],
  ];
  for (const [rule, facts, now, expected] of rows) {
    test(`${rule} → ${expected}`, () => {
      assert.equal(linkState(facts, now), expected);
    });
  }
});

describe("connectStatusOf", () => {
  const active: HireFacts = {
    employmentStatus: "ACTIVE",
    reviewStatus: "NOT_REQUIRED",
    hasUser: true,
    email: "anna@example.com",
    connected: false,
    invitation: invitation("SENT", LATER),
  };

  const rows: [string, Partial<HireFacts>, ConnectStatus][] = [
    ["a connected user", { connected: true, invitation: invitation("VERIFIED", LATER) }, "CONNECTED"],
    ["an account connected through a verified domain, with no invitation", { connected: true, invitation: null }, "CONNECTED"],
    ["an account that exists stays connected after the employment is cancelled", { connected: true, employmentStatus: "CANCELLED" }, "CONNECTED"],
    ["a cancelled employment", { employmentStatus: "CANCELLED", invitation: invitation("CANCELLED", LATER) }, "CANCELLED"],
    ["a rejected employment", { reviewStatus: "REJECTED", invitation: null }, "CANCELLED"],
    ["a cancelled employment without a user", { employmentStatus: "CANCELLED", hasUser: false, invitation: null }, "CANCELLED"],
    ["no user template, no user (R1)", { hasUser: false, email: null, invitation: null }, "NO_USER"],
    ["no user even with an address", { hasUser: false, invitation: null }, "NO_USER"],
    ["a user without an address (R2)", { email: null, invitation: null }, "NO_EMAIL"],
    ["a review still pending (R4)", { reviewStatus: "PENDING", invitation: null }, "AWAITING_REVIEW"],
    ["a user without an address in a pending review", { reviewStatus: "PENDING", email: null, invitation: null }, "NO_EMAIL"],
    ["an invitation planned for 09:00 the day before", { invitation: invitation("SCHEDULED") }, "INVITATION_SCHEDULED"],
    ["approved, invitation planned", { reviewStatus: "APPROVED", invitation: invitation("SCHEDULED") }, "INVITATION_SCHEDULED"],
    ["an invitation being sent by a worker", { invitation: invitation("SENDING") }, "INVITATION_SCHEDULED"],
    ["a sent link still valid", { invitation: invitation("SENT", LATER) }, "INVITATION_SENT"],
    ["a sent link past its expiry, not yet marked", { invitation: invitation("SENT", EARLIER) }, "INVITATION_EXPIRED"],
    ["a link marked expired", { invitation: invitation("EXPIRED", EARLIER) }, "INVITATION_EXPIRED"],
    ["the mail server refused the address for good (R10)", { invitation: invitation("FAILED") }, "INVITATION_FAILED"],
    ["a verified invitation without an account (should not happen)", { invitation: invitation("VERIFIED", LATER) }, "CONNECTED"],
    ["no current invitation while active with an address: about to be planned", { invitation: null }, "INVITATION_SCHEDULED"],
    ["only a cancelled invitation while active with an address: about to be replanned", { invitation: invitation("CANCELLED", LATER) }, "INVITATION_SCHEDULED"],
  ];
  for (const [rule, change, expected] of rows) {
    test(`${rule} → ${expected}`, () => {
      assert.equal(connectStatusOf({ ...active, ...change }, NOW), expected);
    });
  }

  test("a sent link turns INVITATION_EXPIRED at the exact instant of expiry", () => {
    const hire = { ...active, invitation: invitation("SENT", LATER) };
    assert.equal(connectStatusOf(hire, new Date(LATER.getTime() - 1)), "INVITATION_SENT");
    assert.equal(connectStatusOf(hire, LATER), "INVITATION_EXPIRED");
  });
});

describe("maskEmail", () => {
  const rows: [string, string][] = [
    ["anna@acme.se", "a***@acme.se"],
    ["a@x.se", "a***@x.se"],
    ["Anna.Svensson@ACME.se", "A***@ACME.se"],
    ["anna@sub.acme.co.uk", "a***@sub.acme.co.uk"],
    ["\"a@b\"@acme.se", "\"***@acme.se"],
    ["åsa@acme.se", "å***@acme.se"],
    ["😀x@acme.se", "😀***@acme.se"],
    ["@acme.se", "***@acme.se"],
    ["not-an-address", "***"],
  ];
  for (const [email, masked] of rows) {
    test(`${email} → ${masked}: first character and whole domain only`, () => {
      assert.equal(maskEmail(email), masked);
    });
  }
});
