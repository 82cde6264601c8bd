import type { ReviewStatus, StoredInvitationStatus } from "./hire-status.js";

// The state machine of an employment and its invitation (SPEC R2–R8), as pure rules. Every change
// locks the employment's row in its transaction, reads the facts below as they are then, asks these
// rules, and writes with a statement of src/sql/ that states which rows it may touch; a worker's
// change names its claim. So concurrent changes end as if they had run one after the other (R8).
//
//   SCHEDULED ──claim──▶ SENDING ──mailed──▶ SENT ──hire confirms──▶ VERIFIED
//       ▲                   │  │ (refused for now: back to          │
//       └─── retry ─────────┘  │  SCHEDULED, a later dueAt)         └──time passes──▶ EXPIRED
//                              └──refused for good (5xx), or retries ran out (R10)──▶ FAILED
//   SCHEDULED | SENDING | SENT | EXPIRED ──replaced (resend, new address, re-plan, cancel, reject)──▶ CANCELLED
//
// FAILED is finished, like VERIFIED: no link went out, so there is nothing to cancel; it stays in
// the history with its failureReason, and a resend or a new address starts a new invitation, sent
// at once (WENT_OUT).
//
// An employment has at most one current invitation (Employment.currentInvitationId, unique); every
// earlier one is CANCELLED, so its link answers INVALID.

/** Unfinished invitations: a later plan replaces them, a cancelled employment cancels them, and their link (if any) stops working. */
export const REPLACEABLE: readonly StoredInvitationStatus[] = ["SCHEDULED", "SENDING", "SENT", "EXPIRED"];

/** The invitation went out (or is going out, or the mail server refused it): a new address is sent to at once (R8, R10). */
export const WENT_OUT: readonly StoredInvitationStatus[] = ["SENDING", "SENT", "EXPIRED", "FAILED"];

export interface EmploymentFacts {
  status: "ACTIVE" | "CANCELLED";
  reviewStatus: ReviewStatus;
}

/** Why nothing about this employment may change any more (null: it may). */
export function closedReason(employment: EmploymentFacts): string | null {
  if (employment.status === "CANCELLED") return "The employment is cancelled";
  if (employment.reviewStatus === "REJECTED") return "The employment was rejected";
  return null;
}

/** R8: before sending, a new start date re-plans the invitation; once it went out, the link stands. */
export function startDateReplans(current: StoredInvitationStatus | null): boolean {
  return current === null || current === "SCHEDULED" || current === "CANCELLED";
}

export interface ResendFacts extends EmploymentFacts {
  hasUser: boolean;
  connected: boolean;
  /** R9: the account exists but its link was removed (a leaver). */
  disconnected?: boolean;
  email: string | null;
}

/** Why HR cannot resend now (null: it can); `field` names the input to fix, if any. */
export function resendRefusal(facts: ResendFacts): { message: string; field?: string } | null {
  const closed = closedReason(facts);
  if (closed) return { message: closed };
  if (facts.reviewStatus === "PENDING") return { message: "The employment waits for its final approval; the invitation goes out after it" };
  if (!facts.hasUser) return { message: "This hire has no user: the employment template links no user template" };
  if (facts.connected) return { message: "The hire's account is already connected" };
  if (facts.disconnected) return { message: "The hire's Connect account exists; its link was removed when the employment ended. A new employment (addEmployment) re-links it" };
  if (!facts.email) return { message: "The hire has no e-mail address: add one with changeEmail", field: "email" };
  return null;
}

/**
 * R6, R8: a link connects only while it is its employment's current invitation, sent and unexpired,
 * and the employment is active (not cancelled, not rejected).
 */
export function linkMayConnect(
  employment: EmploymentFacts & { currentInvitationId: string | null },
  invitation: { id: string; status: StoredInvitationStatus; expiresAt: Date | null },
  now: Date,
): boolean {
  return (
    closedReason(employment) === null &&
    employment.currentInvitationId === invitation.id &&
    invitation.status === "SENT" &&
    invitation.expiresAt !== null &&
    invitation.expiresAt.getTime() > now.getTime()
  );
}
