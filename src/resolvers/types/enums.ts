import { registerEnumType } from "type-graphql";
import type { Role } from "../../auth/roles.js";

// TypeScript string enums whose values equal their names, so a value read from the database is
// already the GraphQL value.

/** The roles of src/auth/roles.ts as a GraphQL enum (TypeScript allows no computed string members). */
export enum RoleEnum {
  OPERATOR = "OPERATOR",
  HR_ADMIN = "HR_ADMIN",
  REVIEWER = "REVIEWER",
  PARTNER = "PARTNER",
}
// Fails to compile if roles.ts gains or loses a role that RoleEnum does not.
type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const roleEnumMatchesRoles: SameUnion<`${RoleEnum}`, Role> = true;
void roleEnumMatchesRoles;

export enum ReviewStatus {
  NOT_REQUIRED = "NOT_REQUIRED",
  PENDING = "PENDING",
  APPROVED = "APPROVED",
  REJECTED = "REJECTED",
}

export enum EmploymentStatus {
  ACTIVE = "ACTIVE",
  CANCELLED = "CANCELLED",
}

export enum InvitationStatus {
  SCHEDULED = "SCHEDULED",
  SENT = "SENT",
  VERIFIED = "VERIFIED",
  EXPIRED = "EXPIRED",
  CANCELLED = "CANCELLED",
  FAILED = "FAILED",
}

export enum ConnectStatus {
  NO_USER = "NO_USER",
  NO_EMAIL = "NO_EMAIL",
  AWAITING_REVIEW = "AWAITING_REVIEW",
  INVITATION_SCHEDULED = "INVITATION_SCHEDULED",
  INVITATION_SENT = "INVITATION_SENT",
  INVITATION_EXPIRED = "INVITATION_EXPIRED",
  INVITATION_FAILED = "INVITATION_FAILED",
  CONNECTED = "CONNECTED",
  CANCELLED = "CANCELLED",
  DISCONNECTED = "DISCONNECTED",
}

export enum ConnectMethod {
  EMAIL_VERIFICATION = "EMAIL_VERIFICATION",
  VERIFIED_DOMAIN = "VERIFIED_DOMAIN",
  EXISTING_ACCOUNT = "EXISTING_ACCOUNT",
}

export enum PlannedAction {
  NONE = "NONE",
  SEND_NOW = "SEND_NOW",
  SEND_LATER = "SEND_LATER",
  CONNECT_NOW = "CONNECT_NOW",
  AFTER_REVIEW = "AFTER_REVIEW",
}

export enum LinkState {
  VALID = "VALID",
  EXPIRED = "EXPIRED",
  USED = "USED",
  INVALID = "INVALID",
}

registerEnumType(RoleEnum, { name: "Role", description: "What an API key may do." });
registerEnumType(ReviewStatus, { name: "ReviewStatus" });
registerEnumType(EmploymentStatus, { name: "EmploymentStatus" });
registerEnumType(InvitationStatus, { name: "InvitationStatus" });
registerEnumType(ConnectStatus, {
  name: "ConnectStatus",
  valuesConfig: {
    NO_USER: { description: "The employment template links no user template: no user exists." },
    NO_EMAIL: { description: "A user exists but has no e-mail address." },
    AWAITING_REVIEW: { description: "Waiting for the final approval of the review flow." },
    INVITATION_SCHEDULED: { description: "An invitation will be sent at Invitation.sendAt." },
    INVITATION_SENT: { description: "Sent; its link is valid until Invitation.expiresAt." },
    INVITATION_EXPIRED: { description: "The link expired unused; HR can resend." },
    INVITATION_FAILED: { description: "The mail server refused the address for good (Invitation.failureReason); fix it or resend." },
    CONNECTED: { description: "The Connect account exists; the user can log in." },
    CANCELLED: { description: "The employment was rejected or cancelled before the account existed." },
    DISCONNECTED: { description: "The employment ended and its Connect link was removed (Employment.disconnectAt)." },
  },
});
registerEnumType(ConnectMethod, {
  name: "ConnectMethod",
  valuesConfig: { EXISTING_ACCOUNT: { description: "A rehire re-linked to the Connect account they had: no e-mail." } },
});
registerEnumType(PlannedAction, { name: "PlannedAction" });
registerEnumType(LinkState, { name: "LinkState" });
