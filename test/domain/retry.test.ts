import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { retryDelayMs } from "../../src/domain/retry.js";

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
