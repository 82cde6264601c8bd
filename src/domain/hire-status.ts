// What clients see of a hire, an invitation and a link, derived from stored facts at a given moment.
// Expiry is computed from expiresAt, so a link is expired from that instant on even before a job marks it.

// SENDING = claimed by a worker, being sent; FAILED = the mail server refused it for good, or retries ran out (R10)
export type StoredInvitationStatus = "SCHEDULED" | "SENDING" | "SENT" | "VERIFIED" | "EXPIRED" | "CANCELLED" | "FAILED";
export type InvitationStatus = "SCHEDULED" | "SENT" | "VERIFIED" | "EXPIRED" | "CANCELLED" | "FAILED";
export type ConnectStatus =
  | "NO_USER"
  | "NO_EMAIL"
  | "AWAITING_REVIEW"
  | "INVITATION_SCHEDULED"
  | "INVITATION_SENT"
  | "INVITATION_EXPIRED"
  | "INVITATION_FAILED"
  | "CONNECTED"
  | "CANCELLED"
  | "DISCONNECTED";
export type LinkState = "VALID" | "EXPIRED" | "USED" | "INVALID";
export type ReviewStatus = "NOT_REQUIRED" | "PENDING" | "APPROVED" | "REJECTED";

export interface InvitationFacts {
  status: StoredInvitationStatus;
  expiresAt: Date | null;
}

export interface HireFacts {
  employmentStatus: "ACTIVE" | "CANCELLED";
  reviewStatus: ReviewStatus;
  hasUser: boolean;
  email: string | null;
  connected: boolean; // the user has a Connect account and it is linked
  disconnected?: boolean; // the user has a Connect account whose link was removed (R9: a leaver)
  invitation: InvitationFacts | null; // the current invitation
}

export function visibleInvitationStatus(invitation: InvitationFacts, now: Date): InvitationStatus {
  switch (invitation.status) {
    case "SENDING":
      return "SCHEDULED"; // a worker's claim is internal; to clients it is still due
    case "SENT":
      return hasExpired(invitation, now) ? "EXPIRED" : "SENT";
    default:
      return invitation.status;
  }
}

export function linkState(invitation: InvitationFacts | null, now: Date): LinkState {
  if (invitation === null) return "INVALID";
  switch (invitation.status) {
    case "VERIFIED":
      return "USED";
    case "EXPIRED":
      return "EXPIRED";
    case "SENT":
      return hasExpired(invitation, now) ? "EXPIRED" : "VALID";
    case "CANCELLED": // superseded by a resend, an address change or a cancellation
    case "SCHEDULED":
    case "SENDING": // no link has gone out yet
    case "FAILED": // none went out
      return "INVALID";
  }
}

export function connectStatusOf(hire: HireFacts, now: Date): ConnectStatus {
  if (hire.connected) return "CONNECTED"; // an account that exists stays, even if cancelled afterwards
  if (hire.disconnected) return "DISCONNECTED"; // R9: the account exists, its link was removed (a re-link makes it CONNECTED again)
  if (hire.employmentStatus === "CANCELLED" || hire.reviewStatus === "REJECTED") return "CANCELLED";
  if (!hire.hasUser) return "NO_USER";
  if (hire.email === null || hire.email.trim() === "") return "NO_EMAIL";
  if (hire.reviewStatus === "PENDING") return "AWAITING_REVIEW";
  // No current invitation (or only a cancelled one) while active: a new one is about to be planned, not expired.
  if (hire.invitation === null) return "INVITATION_SCHEDULED";
  switch (visibleInvitationStatus(hire.invitation, now)) {
    case "SCHEDULED":
    case "CANCELLED":
      return "INVITATION_SCHEDULED";
    case "SENT":
      return "INVITATION_SENT";
    case "EXPIRED":
      return "INVITATION_EXPIRED";
    case "FAILED":
      return "INVITATION_FAILED";
    case "VERIFIED":
      return "CONNECTED"; // should not happen: verification creates the account in the same transaction
  }
}

/** Every e-mail address in a free text (an SMTP server's error, say) masked with maskEmail. */
export function maskEmailsIn(text: string): string {
  return text.replace(/[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+/g, (address) => maskEmail(address));
}

/** "anna@acme.se" → "a***@acme.se": shows the first character of the local part and the whole domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 0) return "***";
  const first = Array.from(email.slice(0, at))[0] ?? "";
  return `${first}***@${email.slice(at + 1)}`;
}

function hasExpired(invitation: InvitationFacts, now: Date): boolean {
  return invitation.expiresAt !== null && invitation.expiresAt.getTime() <= now.getTime();
}
