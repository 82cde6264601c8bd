import { test } from "node:test";
import assert from "node:assert/strict";
import { contractEvent, eventTypeOf, eventTypes, webhookPayload } from "../../src/domain/events.js";
import { employmentEventKinds } from "../../src/entities/employment-event.js";

test("every history kind maps to a contract event type or, on purpose, to none", () => {
  const table: [string, Parameters<typeof eventTypeOf>[1], string | null][] = [
    ["REGISTERED", {}, "employment.registered"],
    ["APPROVED", { finalStep: true }, "employment.approved"],
    ["APPROVED", { finalStep: false }, null], // one step of several: still awaiting review
    ["REJECTED", {}, "employment.rejected"],
    ["CANCELLED", {}, "employment.cancelled"],
    ["ENDED", {}, "employment.ended"],
    ["PLANNED", {}, "invitation.scheduled"],
    ["RESENT", {}, "invitation.scheduled"],
    ["SENT", {}, "invitation.sent"],
    ["REMINDED", {}, "invitation.reminded"],
    ["SEND_FAILED", { failedForGood: true }, "invitation.failed"],
    ["SEND_FAILED", {}, null], // retried: nothing a partner sees changed
    ["EXPIRED", {}, "invitation.expired"],
    ["VERIFIED", {}, null], // its CONNECTED is the one account.connected
    ["CONNECTED", {}, "account.connected"],
    ["DISCONNECTED", {}, "account.disconnected"],
    ["START_DATE_CHANGED", {}, null],
    ["EMAIL_CHANGED", {}, null],
  ];
  for (const [kind, context, type] of table) assert.equal(eventTypeOf(kind, context), type, `${kind} ${JSON.stringify(context)}`);
  assert.deepEqual(new Set(table.map(([kind]) => kind)), new Set(employmentEventKinds), "every stored kind is in the table");
  assert.deepEqual(new Set(table.map(([, , type]) => type).filter(Boolean)), new Set(eventTypes), "every contract type has a kind");
});

test("a stored row becomes the contract's event; a row without a type is none", () => {
  const row = { id: "e1", type: "invitation.sent", at: new Date("2026-03-26T08:00:00Z"), employmentId: "m1", employeeId: "p1", externalId: "X-1", connectStatus: "INVITATION_SENT" };
  const event = contractEvent(row)!;
  assert.deepEqual(event, { ...row });
  assert.equal(contractEvent({ ...row, type: null }), null);
  assert.equal(contractEvent({ ...row, employeeId: null }), null, "a row from before events existed");
  assert.deepEqual(webhookPayload(event), {
    type: "invitation.sent",
    timestamp: "2026-03-26T08:00:00.000Z",
    data: { id: "e1", type: "invitation.sent", at: "2026-03-26T08:00:00.000Z", employmentId: "m1", employeeId: "p1", externalId: "X-1", connectStatus: "INVITATION_SENT" },
  });
});
