import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { afterFailedAttempt, isPermanentRefusal, retryDelayMs } from "../../src/domain/retry.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

describe("retryDelayMs", () => {
  const rows: [number, number][] = [
    [1, 30 * SECOND],
    [2, 1 * MINUTE],
    [3, 2 * MINUTE],
    [4, 4 * MINUTE],
    [5, 8 * MINUTE],
    [6, 16 * MINUTE],
    [7, 32 * MINUTE],
    [8, HOUR],
    [9, HOUR],
    [20, HOUR],
    [1000, HOUR],
    [Number.MAX_SAFE_INTEGER, HOUR],
  ];
  for (const [attempt, delay] of rows) {
    test(`after ${attempt} failure(s) → wait ${delay / SECOND} s (30 s doubling, capped at one hour)`, () => {
      assert.equal(retryDelayMs(attempt), delay);
    });
  }

  test("the delay never shrinks as failures add up", () => {
    for (let attempt = 2; attempt <= 40; attempt++) {
      assert.ok(retryDelayMs(attempt) >= retryDelayMs(attempt - 1), `attempt ${attempt}`);
    }
  });

  test("an attempt count that is not a positive integer is a caller's bug", () => {
    for (const attempt of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => retryDelayMs(attempt), Error, String(attempt));
    }
  });
});

describe("isPermanentRefusal (R10)", () => {
  const rows: [number | null, boolean][] = [
    [550, true],
    [553, true],
    [554, true],
    [503, false], // bad sequence of commands: the client's fault, not the address's
    [451, false],
    [421, false],
    [null, false], // a network error or a timeout
  ];
  for (const [code, permanent] of rows) {
    test(`SMTP ${code ?? "no code"} → ${permanent ? "refused for good" : "temporary, retried"}`, () => {
      assert.equal(isPermanentRefusal(code), permanent);
    });
  }
});

describe("afterFailedAttempt (R10)", () => {
  const first = new Date("2026-03-02T08:00:00Z");
  const at = (ms: number) => new Date(first.getTime() + ms);
  const retryForMs = 72 * HOUR;

  test("a permanent refusal FAILS at once, even on the first attempt", () => {
    assert.deepEqual(afterFailedAttempt({ attempt: 1, firstAttemptAt: first, now: first, permanent: true, retryForMs }), { failed: "refused" });
  });
  test("a temporary refusal is retried with back-off", () => {
    assert.deepEqual(afterFailedAttempt({ attempt: 1, firstAttemptAt: first, now: first, permanent: false, retryForMs }), { retryAt: at(30 * SECOND) });
  });
  test("the last retry is at the limit, not an hour after it", () => {
    assert.deepEqual(afterFailedAttempt({ attempt: 50, firstAttemptAt: first, now: at(71.5 * HOUR), permanent: false, retryForMs }), { retryAt: at(72 * HOUR) });
  });
  test("72 hours after the first attempt, a temporary refusal FAILS", () => {
    assert.deepEqual(afterFailedAttempt({ attempt: 80, firstAttemptAt: first, now: at(72 * HOUR), permanent: false, retryForMs }), { failed: "gave up" });
  });
});
