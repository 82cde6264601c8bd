import { test } from "node:test";
import assert from "node:assert/strict";
import { nextAttempt, retryAfterMs } from "../../src/domain/webhook-retry.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const t0 = new Date("2026-03-25T13:00:00Z");

test("retries after 5 s, 30 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then every 10 h until 3 days have passed, then FAILED", () => {
  const waits: number[] = [];
  let now = t0;
  for (let attempt = 1; ; attempt++) {
    const next = nextAttempt({ attempt, firstAttemptAt: t0, now, random: 0.5 }); // 0.5: no jitter
    if (next === "failed") break;
    waits.push(next.retryAt.getTime() - now.getTime());
    now = next.retryAt;
  }
  assert.deepEqual(waits.slice(0, 8), [5 * S, 30 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H]);
  assert.ok(waits.slice(8).every((w) => w === 10 * H));
  assert.ok(now.getTime() - t0.getTime() >= 72 * H, "tried for at least three days");
  assert.ok(now.getTime() - t0.getTime() < 82 * H);
});

test("jitter is ±10 %; Retry-After is never undercut, up to a day", () => {
  const wait = (p: Partial<Parameters<typeof nextAttempt>[0]>) => {
    const next = nextAttempt({ attempt: 1, firstAttemptAt: t0, now: t0, random: 0.5, ...p });
    return next === "failed" ? -1 : next.retryAt.getTime() - t0.getTime();
  };
  assert.equal(wait({ random: 0 }), 4.5 * S);
  assert.ok(wait({ random: 0.999 }) < 5.5 * S);
  assert.equal(wait({ retryAfterMs: 120 * S }), 120 * S);
  assert.equal(wait({ retryAfterMs: 1 * S }), 5 * S, "the schedule when Retry-After asks for less");
  assert.equal(wait({ retryAfterMs: 48 * H }), 24 * H);
  assert.equal(retryAfterMs("120", t0), 120 * S);
  assert.equal(retryAfterMs("Wed, 25 Mar 2026 13:01:00 GMT", t0), 60 * S);
  assert.equal(retryAfterMs("soon", t0), null);
});
