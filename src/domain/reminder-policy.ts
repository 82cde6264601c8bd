import { atLocalTime, localDateOf, requireInstant, requireZone, SEND_HOUR, startOfLocalDate } from "./invitation-policy.js";

// When a reminder goes out (R10). Pure: the moment of the decision comes in as `now`.
//
// A reminder is due at 09:00 tenant-local on (the link's expiry date − N), N = the tenant's
// reminderDaysBeforeExpiry in force when it is looked for (null: none). A link expires at 00:00 on
// (send date + 5) (R5) and N is 1–4, so that is always on a day after the send: every link sent gets
// its reminder's turn. A reminder found late (a lost job, a worker down, N raised after its 09:00)
// still goes out while the link is valid: late is better than never for a link about to expire.

/** 09:00 tenant-local on the local date of `expiresAt` minus `daysBefore` days. */
export function reminderDueAt(expiresAt: Date, daysBefore: number, timeZone: string): Date {
  const zone = requireZone(timeZone);
  const expiryDate = localDateOf(requireInstant(expiresAt, "expiresAt"), zone);
  return atLocalTime(expiryDate.minus({ days: daysBefore }), SEND_HOUR, zone);
}

/**
 * Every link whose reminder is due by `now` expires before the instant returned (links are 00:00
 * instants, so one bound on expiresAt answers it for all): the reminders due by now are of links with
 * `now < expiresAt < remindersDueBefore(now)`. An index range on expiresAt, whatever N is.
 */
export function remindLinksExpiringBefore(now: Date, daysBefore: number, timeZone: string): Date {
  const zone = requireZone(timeZone);
  const today = localDateOf(requireInstant(now, "now"), zone);
  const lastReminderDate = now.getTime() >= atLocalTime(today, SEND_HOUR, zone).getTime() ? today : today.minus({ days: 1 });
  return startOfLocalDate(lastReminderDate.plus({ days: daysBefore + 1 }), zone);
}

/** Whether a reminder of the link is due at `now` (the same rule as remindLinksExpiringBefore, for one link). */
export function reminderIsDue(expiresAt: Date, now: Date, daysBefore: number | null, timeZone: string): boolean {
  if (daysBefore === null) return false;
  return expiresAt.getTime() > now.getTime() && reminderDueAt(expiresAt, daysBefore, timeZone).getTime() <= now.getTime();
}

