// What a failed mail delivery leads to (R10). A permanent refusal (SMTP 5xx) ends the invitation as
// FAILED at once: the same mail would be refused again. A temporary one (4xx, a network error) is
// retried with back-off — 30 s, 1 min, 2 min, 4 min … doubling, at most an hour apart — for up to
// `retryForMs` from the first attempt, then FAILED too.

const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 60 * 60_000;

/** The wait before the next try after `attempt` failures (1-based). */
export function retryDelayMs(attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new Error(`attempt must be a positive integer (got ${attempt})`);
  }
  return Math.min(FIRST_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS);
}

/**
 * Whether an SMTP reply code refuses for good (RFC 5321: 5yz is a permanent negative completion).
 * 503 "bad sequence of commands" is the client's fault, not the address's: retried. No code (a
 * network error, a timeout): temporary.
 */
export function isPermanentRefusal(responseCode: number | null | undefined): boolean {
  return typeof responseCode === "number" && responseCode >= 500 && responseCode < 600 && responseCode !== 503;
}

export type AfterFailure = { retryAt: Date } | { failed: "refused" | "gave up" };

/** After attempt `attempt` (1-based) failed at `now`: when to try again, or that the invitation FAILED. */
export function afterFailedAttempt(p: { attempt: number; firstAttemptAt: Date; now: Date; permanent: boolean; retryForMs: number }): AfterFailure {
  if (p.permanent) return { failed: "refused" };
  const retryAt = new Date(p.now.getTime() + retryDelayMs(p.attempt));
  if (p.now.getTime() - p.firstAttemptAt.getTime() >= p.retryForMs) return { failed: "gave up" };
  // the last retry happens at the limit, not an hour after it
  const limit = p.firstAttemptAt.getTime() + p.retryForMs;
  return { retryAt: retryAt.getTime() > limit ? new Date(limit) : retryAt };
}
