import { visibleInvitationStatus, type InvitationFacts, type InvitationStatus } from "./hire-status.js";
import { unsupportedDate } from "./supported-dates.js";

// Which invitations a bulk resend (resendInvitations, R10) takes: an employment's current invitation
// whose status, as clients see it at `now`, is one of the filter's, of an employment starting within
// the range (both ends included, either may be left open).

export interface ResendFilter {
  statuses: readonly InvitationStatus[];
  startDateFrom: string | null;
  startDateTo: string | null;
}

/** Why the filter cannot be used (null: it can), with the field to fix. */
export function resendFilterProblem(filter: ResendFilter): { message: string; field: string } | null {
  for (const field of ["startDateFrom", "startDateTo"] as const) {
    const value = filter[field];
    const problem = value === null ? null : unsupportedDate(value, field);
    if (problem) return { message: problem, field };
  }
  if (filter.startDateFrom !== null && filter.startDateTo !== null && filter.startDateFrom > filter.startDateTo) {
    return { message: "startDateFrom must not be after startDateTo", field: "startDateFrom" };
  }
  return null;
}

/** Whether the employment's current invitation matches the filter at `now`. */
export function matchesResendFilter(filter: ResendFilter, employment: { startDate: string }, current: InvitationFacts | null, now: Date): boolean {
  if (current === null) return false;
  if (filter.startDateFrom !== null && employment.startDate < filter.startDateFrom) return false;
  if (filter.startDateTo !== null && employment.startDate > filter.startDateTo) return false;
  return filter.statuses.includes(visibleInvitationStatus(current, now));
}
