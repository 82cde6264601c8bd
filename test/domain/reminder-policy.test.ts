import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { linkExpiresAt } from "../../src/domain/invitation-policy.js";
import { reminderDueAt, reminderIsDue, remindLinksExpiringBefore } from "../../src/domain/reminder-policy.js";

const STOCKHOLM = "Europe/Stockholm";
const iso = (d: Date) => d.toISOString();

describe("reminderDueAt: 09:00 tenant-local on (expiry date − N) (R10)", () => {
  // Sent Wednesday 2026-03-25 (Stockholm) → expires 00:00 on 2026-03-30 (R5), 2026-03-29T22:00Z (summer time from the 29th).
  const expiresAt = linkExpiresAt(new Date("2026-03-25T13:00:00Z"), STOCKHOLM);
  const cases: [number, string, string][] = [
    [1, "2026-03-29T07:00:00.000Z", "N = 1 → Sunday 29 March 09:00, the first day of summer time (07:00Z)"],
    [2, "2026-03-28T08:00:00.000Z", "N = 2 → Saturday 28 March 09:00 winter time (08:00Z)"],
    [4, "2026-03-26T08:00:00.000Z", "N = 4 → the day after the send"],
  ];
  test("the link expires at 00:00 local on the send date + 5", () => assert.equal(iso(expiresAt), "2026-03-29T22:00:00.000Z"));
  for (const [n, due, name] of cases) test(name, () => assert.equal(iso(reminderDueAt(expiresAt, n, STOCKHOLM)), due));

  test("another zone: America/New_York, N = 3", () => {
    const e = linkExpiresAt(new Date("2026-06-01T15:00:00Z"), "America/New_York"); // sent 1 June 11:00 local → expires 6 June 00:00 EDT
    assert.equal(iso(e), "2026-06-06T04:00:00.000Z");
    assert.equal(iso(reminderDueAt(e, 3, "America/New_York")), "2026-06-03T13:00:00.000Z");
  });

  test("sent late in the evening, N = 4 → the next morning (never on or before the send)", () => {
    const sentAt = new Date("2026-03-25T22:30:00Z"); // 23:30 local
    const e = linkExpiresAt(sentAt, STOCKHOLM);
    const due = reminderDueAt(e, 4, STOCKHOLM);
    assert.equal(iso(due), "2026-03-26T08:00:00.000Z");
    assert.ok(due > sentAt);
  });
});

describe("remindLinksExpiringBefore agrees with reminderDueAt for every hour and N", () => {
  test("Stockholm, across the spring and autumn changes, N = 1…4", () => {
    const links = [linkExpiresAt(new Date("2026-03-25T13:00:00Z"), STOCKHOLM), linkExpiresAt(new Date("2026-10-22T10:00:00Z"), STOCKHOLM)];
    for (const expiresAt of links) {
      for (let n = 1; n <= 4; n++) {
        for (let h = -24 * 7; h <= 24 * 2; h++) {
          const now = new Date(expiresAt.getTime() + h * 3_600_000 + 17 * 60_000);
          const byBound = expiresAt > now && expiresAt < remindLinksExpiringBefore(now, n, STOCKHOLM);
          assert.equal(byBound, reminderIsDue(expiresAt, now, n, STOCKHOLM), `${iso(expiresAt)} N=${n} now=${iso(now)}`);
        }
      }
    }
  });

  test("exactly 09:00 is due; 08:59:59.999 is not", () => {
    const expiresAt = linkExpiresAt(new Date("2026-03-25T13:00:00Z"), STOCKHOLM);
    const due = reminderDueAt(expiresAt, 2, STOCKHOLM);
    assert.equal(reminderIsDue(expiresAt, due, 2, STOCKHOLM), true);
    assert.equal(reminderIsDue(expiresAt, new Date(due.getTime() - 1), 2, STOCKHOLM), false);
    assert.ok(expiresAt < remindLinksExpiringBefore(due, 2, STOCKHOLM));
    assert.ok(!(expiresAt < remindLinksExpiringBefore(new Date(due.getTime() - 1), 2, STOCKHOLM)));
  });

  test("no setting: never due; an expired link: never due", () => {
    const expiresAt = linkExpiresAt(new Date("2026-03-25T13:00:00Z"), STOCKHOLM);
    assert.equal(reminderIsDue(expiresAt, new Date("2026-03-29T12:00:00Z"), null, STOCKHOLM), false);
    assert.equal(reminderIsDue(expiresAt, expiresAt, 1, STOCKHOLM), false);
  });
});
