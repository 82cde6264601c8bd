import { DateTime } from "luxon";
import { startOfLocalDate } from "./invitation-policy.js";
import type { ReviewStatus } from "./hire-status.js";
import { closedReason } from "./invitation-states.js";

// R9, leavers: when a leaver's Connect link is removed, what an end date may still change, and
// which employments still need the link. Pure: the moment of the decision comes in as `now`.

/**
 * 00:00 tenant-local on endDate + 1 + N (N: disconnectAfterDays) — counted in calendar days, so a
 * DST change on the way moves nothing: 2026-03-24 + 6 in Europe/Stockholm is 2026-03-30 00:00+02:00.
 */
export function disconnectAtFor(endDate: string, timeZone: string, disconnectAfterDays: number): Date {
  const date = DateTime.fromISO(endDate, { zone: "utc" });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(endDate) || !date.isValid) throw new Error(`End date "${endDate}" is not a calendar date YYYY-MM-DD`);
  return startOfLocalDate(date.plus({ days: 1 + disconnectAfterDays }), timeZone);
}

export interface EndFacts {
  status: "ACTIVE" | "CANCELLED";
  reviewStatus: ReviewStatus;
  startDate: string;
  endDate: string | null;
  disconnectAt: Date | null;
}

export type EndRefusal = { code: "BAD_USER_INPUT" | "CONFLICT"; message: string; field?: string };

/**
 * Why the end date cannot become `endDate` now (null: it can). A closed employment has no link to
 * remove; once the removal is due (disconnectAt has come) the end date stands — the same date again
 * is no change, so a retried request gets its answer.
 */
export function endRefusal(facts: EndFacts, endDate: string | null, now: Date): EndRefusal | null {
  const closed = closedReason(facts);
  if (closed) return { code: "CONFLICT", message: `${closed}: it has no Connect link to remove` };
  if (endDate !== null && endDate < facts.startDate) {
    return { code: "BAD_USER_INPUT", message: `endDate ${endDate} is before the start date ${facts.startDate}`, field: "endDate" };
  }
  if (facts.disconnectAt !== null && facts.disconnectAt.getTime() <= now.getTime() && endDate !== facts.endDate) {
    return {
      code: "CONFLICT",
      message: `The Connect link was removed at ${facts.disconnectAt.toISOString()} (end date ${facts.endDate}); the end date can no longer change — a new employment (addEmployment) re-links the account`,
    };
  }
  return null;
}

/** The history detail of an end date set, changed or withdrawn (the kind ENDED). */
export function endedDetail(before: string | null, after: string | null, disconnectAt: Date | null): string {
  if (after === null) return `withdrawn (was ${before}): the Connect link is not removed`;
  const removal = `the Connect link is removed at ${disconnectAt!.toISOString()}`;
  return before === null ? `set ${after}: ${removal}` : `changed ${before} → ${after}: ${removal}`;
}

export interface LinkNeedFacts {
  status: "ACTIVE" | "CANCELLED";
  reviewStatus: ReviewStatus;
  disconnectAt: Date | null;
}

/**
 * Whether an employment still needs its employee's Connect link at `now`: it is active and approved
 * (or needs no review), and its own removal has not come (no end date, or a later disconnectAt). An
 * employment waiting for review does not: its re-link comes with the final approval (R9).
 */
export function needsLink(employment: LinkNeedFacts, now: Date): boolean {
  if (closedReason(employment) !== null || employment.reviewStatus === "PENDING") return false;
  return employment.disconnectAt === null || employment.disconnectAt.getTime() > now.getTime();
}
