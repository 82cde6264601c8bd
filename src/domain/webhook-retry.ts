// R11: when a webhook delivery that failed is tried again (Standard Webhooks: back-off with jitter).

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The wait after the nth failed attempt: a blip costs seconds (5 s, 30 s), then the spec's schedule
 * (5 min, 30 min, 2 h, 5 h, 10 h, 10 h), then every 10 h until the retries have run for 3 days.
 */
export const RETRY_DELAYS_MS = [5 * SECOND, 30 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR] as const;
/** How long a delivery is retried, from its first attempt, before it FAILS. */
export const RETRY_FOR_MS = 72 * HOUR;
/** ±10 % of every wait, so that the receivers' recoveries are not met by every sender at once. */
export const JITTER = 0.1;
/** The longest Retry-After we wait for. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

export interface FailedAttempt {
  /** This attempt's number, 1 for the first. */
  attempt: number;
  firstAttemptAt: Date;
  now: Date;
  /** The receiver's Retry-After, in ms from now, if it sent one. */
  retryAfterMs?: number | null;
  /** A number in [0, 1) (Math.random in production). */
  random: number;
}

/** When to try again, or "failed": retried for at least RETRY_FOR_MS and the schedule is through. */
export function nextAttempt(p: FailedAttempt): { retryAt: Date } | "failed" {
  const scheduled = RETRY_DELAYS_MS[Math.min(p.attempt, RETRY_DELAYS_MS.length) - 1]!;
  const elapsed = p.now.getTime() - p.firstAttemptAt.getTime();
  if (p.attempt > RETRY_DELAYS_MS.length && elapsed >= RETRY_FOR_MS) return "failed";
  const jittered = scheduled * (1 - JITTER + 2 * JITTER * p.random);
  // Retry-After is honoured: never sooner than it asks (up to a day), never sooner than the schedule
  const wait = Math.max(jittered, Math.min(p.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  return { retryAt: new Date(p.now.getTime() + Math.round(wait)) };
}

/** A Retry-After header (seconds, or an HTTP date) in ms from `now`; null if absent or unreadable. */
export function retryAfterMs(header: string | undefined | null, now: Date): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * SECOND;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
