// The partner-visible events of R11 (contract/next/events.graphql) and how the employment history
// becomes them. The history (employment_event) is the outbox: every change writes its history row in
// its own transaction, and a row whose kind is a partner-visible event carries that event's type.

import type { ConnectStatus } from "./hire-status.js";

export const eventTypes = [
  "employment.registered",
  "employment.approved",
  "employment.rejected",
  "employment.cancelled",
  "employment.ended",
  "invitation.scheduled",
  "invitation.sent",
  "invitation.reminded",
  "invitation.failed",
  "invitation.expired",
  "account.connected",
  "account.disconnected",
] as const;
export type EventType = (typeof eventTypes)[number];

export const isEventType = (value: string): value is EventType => (eventTypes as readonly string[]).includes(value);

/** What the writer of a history row knows beyond its kind. */
export interface EventContext {
  /** APPROVED: this approval was the last step (the employment is approved, not just one step). */
  finalStep?: boolean;
  /** SEND_FAILED: the invitation FAILED (refused for good, or retried too long) rather than being retried. */
  failedForGood?: boolean;
}

/**
 * The event type of a history kind, or null when the kind is no partner-visible event:
 * - VERIFIED: the CONNECTED written in the same transaction is the one account.connected.
 * - SEND_FAILED: only the failure that ends the invitation (invitation.failed); a retry changes nothing a partner sees.
 * - APPROVED: only the last step's approval; earlier steps leave the hire awaiting review.
 * - START_DATE_CHANGED, EMAIL_CHANGED: what they change for a partner is a new plan or a new send,
 *   written as its own row (PLANNED → invitation.scheduled, RESENT, SENT) in the same transaction or
 *   right after; a change that re-plans nothing (the link is out already) is no event.
 * - RESENT: invitation.scheduled (a new link, sent at once: invitation.sent follows).
 * - ENDED: employment.ended, also when the end date changes or is withdrawn (its detail says which).
 */
export function eventTypeOf(kind: string, context: EventContext = {}): EventType | null {
  switch (kind) {
    case "REGISTERED":
      return "employment.registered";
    case "APPROVED":
      return context.finalStep ? "employment.approved" : null;
    case "REJECTED":
      return "employment.rejected";
    case "CANCELLED":
      return "employment.cancelled";
    case "ENDED":
      return "employment.ended";
    case "PLANNED":
    case "RESENT":
      return "invitation.scheduled";
    case "SENT":
      return "invitation.sent";
    case "REMINDED":
      return "invitation.reminded";
    case "SEND_FAILED":
      return context.failedForGood ? "invitation.failed" : null;
    case "EXPIRED":
      return "invitation.expired";
    case "CONNECTED":
      return "account.connected";
    case "DISCONNECTED":
      return "account.disconnected";
    default:
      return null; // VERIFIED, START_DATE_CHANGED, EMAIL_CHANGED
  }
}

/** A stored history row as far as the event needs it (src/entities/employment-event.ts). */
export interface StoredEvent {
  id: string;
  type: string | null;
  at: Date;
  employmentId: string;
  employeeId: string | null;
  externalId: string | null;
  connectStatus: string | null;
}

/** The contract's EmploymentEvent: ids, the registrant's externalId, the hire's status after the change, and when. Never a token, never an address. */
export interface EmploymentEventView {
  id: string;
  type: EventType;
  at: Date;
  employmentId: string;
  employeeId: string;
  externalId: string | null;
  connectStatus: ConnectStatus;
}

/** The event a stored row is, or null if the row is no partner-visible event (or predates events: no type or subject stored). */
export function contractEvent(row: StoredEvent): EmploymentEventView | null {
  if (!row.type || !isEventType(row.type) || !row.employeeId || !row.connectStatus) return null;
  return {
    id: row.id,
    type: row.type,
    at: row.at,
    employmentId: row.employmentId,
    employeeId: row.employeeId,
    externalId: row.externalId,
    connectStatus: row.connectStatus as ConnectStatus,
  };
}

/** The Standard Webhooks body of an event: {type, timestamp, data}; `timestamp` is when it happened (a sandbox's test clock). */
export function webhookPayload(event: EmploymentEventView): { type: EventType; timestamp: string; data: Record<string, unknown> } {
  return {
    type: event.type,
    timestamp: event.at.toISOString(),
    data: {
      id: event.id,
      type: event.type,
      at: event.at.toISOString(),
      employmentId: event.employmentId,
      employeeId: event.employeeId,
      externalId: event.externalId,
      connectStatus: event.connectStatus,
    },
  };
}
