import { DateTime, IANAZone } from "luxon";

// When the verification e-mail goes out and when its link expires (SPEC R1–R5, R7, R8).
// Pure: the moment of the decision always comes in as `now`; no clock is read here.

export type PlannedAction = "NONE" | "SEND_NOW" | "SEND_LATER" | "CONNECT_NOW" | "AFTER_REVIEW";

export interface PlanInput {
  startDate: string; // calendar date "YYYY-MM-DD"
  email: string | null; // the hire's address, if any
  hasUser: boolean; // R1: false when the employment template links no user template
  timeZone: string; // the tenant's IANA zone
  verifiedDomains: readonly string[]; // lower-case domains
  reviewPending: boolean; // R4: a review flow applies and the final approval has not happened
  now: Date; // the moment of saving / of the change / of the final approval
}

export interface InvitationPlan {
  action: PlannedAction;
  sendAt: Date | null;
  expiresAt: Date | null;
}

export const SEND_HOUR = 9; // R3: "klockan 09:00 dagen före"
const LINK_VALID_DAYS = 5; // R5: five days counted from and including the send date

/** A calendar date without a time or zone, carried as a UTC midnight so adding days is pure calendar math. */
export type CalendarDate = DateTime;

/** `schedule`: sendScheduleFor(input.timeZone, input.now), when many hires are planned at once. */
export function planInvitation(input: PlanInput, schedule: SendSchedule = sendScheduleFor(input.timeZone, input.now)): InvitationPlan {
  const send = schedule(input.startDate);

  if (!input.hasUser || input.email === null || input.email.trim() === "") {
    return nothingScheduled("NONE");
  }
  if (input.reviewPending) return nothingScheduled("AFTER_REVIEW");
  if (isInVerifiedDomain(input.email, input.verifiedDomains)) return nothingScheduled("CONNECT_NOW");
  return send;
}

/** When a hire with this start date would be mailed, and its link expire, if the plan sends. */
export type SendSchedule = (startDate: string) => InvitationPlan & { action: "SEND_NOW" | "SEND_LATER"; sendAt: Date; expiresAt: Date };

/**
 * The send times of one zone at one `now`, by start date, each worked out once: the hires of an
 * import share the zone, the instant and mostly a few start dates, and the zone's offsets (luxon)
 * are the costly part of a plan.
 */
export function sendScheduleFor(timeZone: string, now: Date): SendSchedule {
  const zone = requireZone(timeZone);
  requireInstant(now, "now");
  let tomorrow: number | undefined;
  const byStartDate = new Map<string, ReturnType<SendSchedule>>();
  return (startDate) => {
    let send = byStartDate.get(startDate);
    if (!send) {
      const start = parseCalendarDate(startDate);
      tomorrow ??= localDateOf(now, zone).plus({ days: 1 }).toMillis();
      const sendNow = start.toMillis() <= tomorrow;
      const sendAt = sendNow ? now : atLocalTime(start.minus({ days: 1 }), SEND_HOUR, zone);
      send = { action: sendNow ? "SEND_NOW" : "SEND_LATER", sendAt, expiresAt: linkExpiresAt(sendAt, zone) };
      byStartDate.set(startDate, send);
    }
    return send;
  };
}

/** R5: 00:00 tenant-local on (the local send date + 5 days) — the first instant of that local date. */
export function linkExpiresAt(sentAt: Date, timeZone: string): Date {
  const zone = requireZone(timeZone);
  const sendDate = localDateOf(requireInstant(sentAt, "sentAt"), zone);
  return startOfLocalDate(sendDate.plus({ days: LINK_VALID_DAYS }), zone);
}

/** R7: the address's domain is exactly one of the verified domains, ignoring case (a subdomain is not). */
export function isInVerifiedDomain(email: string, verifiedDomains: readonly string[]): boolean {
  const at = email.lastIndexOf("@");
  if (at <= 0) return false;
  const domain = normalizeDomain(email.slice(at + 1));
  if (domain === null) return false;
  return verifiedDomains.some((verified) => normalizeDomain(verified) === domain);
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ALL_DIGITS = /^[0-9]+$/;

/**
 * A domain as the tenant's verified-domain list stores it: trimmed, lower-case, without a trailing dot.
 * Null unless it is a DNS name of at least two labels; IDNs only in punycode (xn--) form.
 */
export function normalizeDomain(input: string): string | null {
  let domain = input.trim().toLowerCase();
  if (domain.endsWith(".")) domain = domain.slice(0, -1);
  if (domain.length === 0 || domain.length > 253) return null;
  const labels = domain.split(".");
  if (labels.length < 2) return null;
  if (!labels.every((label) => LABEL.test(label))) return null;
  if (ALL_DIGITS.test(labels[labels.length - 1]!)) return null;
  return domain;
}

function nothingScheduled(action: "NONE" | "AFTER_REVIEW" | "CONNECT_NOW"): InvitationPlan {
  return { action, sendAt: null, expiresAt: null };
}

export function requireZone(timeZone: string): string {
  // IANAZone.create is cached per name; isValidZone would build an Intl formatter on every call
  if (!timeZone || !IANAZone.create(timeZone).isValid) throw new Error(`Unknown time zone "${timeZone}"`);
  return timeZone;
}

export function requireInstant(instant: Date, name: string): Date {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new Error(`${name} is not a valid instant`);
  }
  return instant;
}

function parseCalendarDate(text: string): CalendarDate {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone: "utc" }) : null;
  if (date === null || !date.isValid) throw new Error(`Start date "${text}" is not a calendar date YYYY-MM-DD`);
  return date;
}

/** The tenant-local calendar date on which `instant` falls. */
export function localDateOf(instant: Date, zone: string): CalendarDate {
  const local = DateTime.fromJSDate(instant, { zone });
  return DateTime.utc(local.year, local.month, local.day);
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The first instant of the tenant-local `date` (R5). Where a clock change repeats midnight
 * (America/Havana, Atlantic/Azores in autumn: 01:00 goes back to 00:00) that is the first of the two
 * 00:00s — luxon alone picks the second; where a change skips midnight (America/Santiago in spring:
 * 00:00 jumps to 01:00) it is the first instant that exists on that date, the change itself.
 */
export function startOfLocalDate(date: CalendarDate, zone: string): Date {
  const tz = IANAZone.create(zone);
  const midnight = date.toMillis(); // the wall clock's 00:00 on `date`, written as if it were UTC
  const wallClock = (instant: number) => instant + tz.offset(instant) * MINUTE_MS;
  // An instant that shows 00:00 is `midnight - offset` for an offset in effect at that instant. Offsets
  // lie within -12 h … +14 h, so such instants lie in the 26 hours whose two ends give the offsets
  // (zones change their offset months apart, never twice within a day).
  let first = Number.POSITIVE_INFINITY;
  for (const offset of new Set([tz.offset(midnight - 14 * HOUR_MS), tz.offset(midnight + 12 * HOUR_MS)])) {
    const instant = midnight - offset * MINUTE_MS;
    if (tz.offset(instant) === offset) first = Math.min(first, instant);
  }
  if (first !== Number.POSITIVE_INFINITY) return new Date(first);
  // 00:00 was skipped: the date begins at the change, the first instant whose wall clock is past midnight
  let before = midnight - 15 * HOUR_MS; // shows at most 23:00 the day before
  let from = midnight + 13 * HOUR_MS; // shows at least 01:00 on the date
  while (from - before > 1) {
    const middle = Math.floor((before + from) / 2);
    if (wallClock(middle) < midnight) before = middle;
    else from = middle;
  }
  return new Date(from);
}

/** `hour`:00 tenant-local on `date`; a wall time skipped by a DST jump moves forward, as luxon does. */
export function atLocalTime(date: CalendarDate, hour: number, zone: string): Date {
  return DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour }, { zone }).toJSDate();
}
