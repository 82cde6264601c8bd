// Back-off for a mail delivery that failed: 30 s, 1 min, 2 min, 4 min … doubling, at most an hour
// apart. Retries do not give up by themselves: the invitation shows lastError and HR may resend.

const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 60 * 60_000;

/** The wait before the next try after `attempt` failures (1-based). */
export function retryDelayMs(attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new Error(`attempt must be a positive integer (got ${attempt})`);
  }
  return Math.min(FIRST_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS);
}
