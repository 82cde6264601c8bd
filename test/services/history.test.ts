import { test } from "node:test";
import assert from "node:assert/strict";
import { employmentEvent, safeDetail, SYSTEM } from "../../src/services/history.js";

test("a detail never holds a whole address: an SMTP error quoting the recipient is stored masked", () => {
  assert.equal(safeDetail("550 5.1.1 <anna.berg@acme.se>: Recipient address rejected"), "550 5.1.1 <a***@acme.se>: Recipient address rejected");
  assert.equal(safeDetail("a***@acme.se → b***@acme.se"), "a***@acme.se → b***@acme.se", "a masked address stays as it is");
});

test("a detail never holds a link token", () => {
  const token = "Zq3v9Xw0b1K2m3N4p5Q6r7S8t9U0v1W2x3Y4z5A6b7C";
  const detail = safeDetail(`GET https://onboarding.example.com/verify?token=${token} failed; also ${token}`);
  assert.ok(!detail.includes(token), detail);
});

test("a detail is at most 500 characters", () => {
  const detail = safeDetail("451 ".repeat(400));
  assert.equal(Array.from(detail).length, 500);
  assert.ok(detail.endsWith("…"));
});

test("events written one after another have growing ids, so events of one instant keep their order", () => {
  const at = new Date("2026-03-25T13:00:00Z");
  const ids = Array.from({ length: 5000 }, () => employmentEvent({ tenantId: "t", employmentId: "e", kind: "SENT", at, actor: SYSTEM }, { employeeId: "p", externalId: null, connectStatus: "INVITATION_SENT" }).id);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  assert.match(ids[0]!, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
