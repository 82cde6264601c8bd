import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import type { Principal } from "../auth/principal.js";
import { eventTypeOf, type EventContext, type EventType } from "../domain/events.js";
import { connectStatusOf, maskEmail, maskEmailsIn, type ConnectStatus } from "../domain/hire-status.js";
import type { PlannedAction } from "../domain/invitation-policy.js";
import { EmploymentEvent, type EmploymentEventKind } from "../entities/employment-event.js";
import type { ConnectMethod } from "../entities/hire.js";
import { hireFactsOf } from "../sql/hireFactsOf.js";
import { insertMany } from "../sql/insertMany.js";

/** Who did something to an employment: an API key (its id and its name at the time), the system, or the hire. */
export interface Actor {
  keyId: string | null;
  name: string;
}

/** Jobs and sweeps: sends, retries, expiries. */
export const SYSTEM: Actor = { keyId: null, name: "system" };
/** The hire confirming the link: no key. */
export const HIRE: Actor = { keyId: null, name: "hire" };

/** The caller as the services take it: a Principal, or anything that names a key the same way. */
export type Caller = Pick<Principal, "keyId" | "keyName">;

export const actorOf = (caller: Caller): Actor => ({ keyId: caller.keyId, name: caller.keyName.slice(0, 100) });

export interface NewEmploymentEvent {
  tenantId: string;
  employmentId: string;
  kind: EmploymentEventKind;
  /** The tenant's clock (Clock.nowFor). */
  at: Date;
  actor: Actor;
  detail?: string | null;
  /** What decides the event type beyond the kind (src/domain/events.ts eventTypeOf). */
  context?: EventContext;
  /**
   * The employee's ids and the hire's status after the change, when the writer has them at hand
   * (the send burst, imports, expiries: no extra read per row); otherwise read in the transaction.
   */
  snapshot?: EventSnapshot;
}

/** What an event carries of the hire, as it is right after the change. */
export interface EventSnapshot {
  employeeId: string;
  externalId: string | null;
  connectStatus: ConnectStatus;
}

/**
 * Writes one event in `manager`'s transaction: call it in the transaction of the change it
 * describes, after that change (the event carries the hire's status after it).
 */
export async function recordEvent(manager: EntityManager, event: NewEmploymentEvent): Promise<void> {
  await manager.insert(EmploymentEvent, employmentEvent(event, event.snapshot ?? (await snapshotOf(manager, event))));
}

/** Many events in one multi-row INSERT (bulk import); each without a snapshot costs one read. */
export async function recordEvents(manager: EntityManager, events: NewEmploymentEvent[]): Promise<void> {
  if (!events.length) return;
  const rows: EmploymentEvent[] = [];
  for (const event of events) rows.push(employmentEvent(event, event.snapshot ?? (await snapshotOf(manager, event))));
  await insertMany(manager, EmploymentEvent, rows);
}

/** The hire as `manager`'s transaction sees it now, its status at the event's instant. */
async function snapshotOf(manager: EntityManager, event: NewEmploymentEvent): Promise<EventSnapshot> {
  const hire = await hireFactsOf(manager, { tenantId: event.tenantId, employmentId: event.employmentId, at: event.at });
  if (!hire) throw new Error(`an event of employment ${event.employmentId}, which the transaction does not see`);
  return { employeeId: hire.employeeId, externalId: hire.externalId, connectStatus: connectStatusOf(hire.facts, event.at) };
}

export function employmentEvent(event: NewEmploymentEvent, snapshot: EventSnapshot): EmploymentEvent {
  const type: EventType | null = eventTypeOf(event.kind, event.context);
  return Object.assign(new EmploymentEvent(), {
    id: eventId(),
    tenantId: event.tenantId,
    employmentId: event.employmentId,
    kind: event.kind,
    at: event.at,
    actorKeyId: event.actor.keyId,
    actor: event.actor.name,
    detail: event.detail ? safeDetail(event.detail) : null,
    type,
    employeeId: snapshot.employeeId,
    externalId: snapshot.externalId,
    connectStatus: snapshot.connectStatus,
    webhooksPending: type !== null,
  });
}

// The texts of the details, one place for all writers.

export function registeredDetail(hire: { startDate: string; email: string | null; hasUser: boolean; reviewSteps: number }): string {
  const parts = [`start ${hire.startDate}`, hire.email ? maskEmail(hire.email) : "no address"];
  if (!hire.hasUser) parts.push("no user (the employment template links no user template)");
  if (hire.reviewSteps > 0) parts.push(`review: ${hire.reviewSteps} step${hire.reviewSteps === 1 ? "" : "s"}`);
  return parts.join(", ");
}

export function plannedDetail(action: PlannedAction, sendAt: Date, email: string): string {
  return `${action}: send at ${sendAt.toISOString()} to ${maskEmail(email)}`;
}

export function connectedDetail(method: ConnectMethod, email: string): string {
  return `${method} ${maskEmail(email)}`;
}

export const changedEmailDetail = (from: string | null, to: string) => `${from ? maskEmail(from) : "no address"} → ${maskEmail(to)}`;

const MAX_DETAIL = 500;

/**
 * What may be stored as a detail: every address masked, nothing that looks like a link token, at
 * most 500 characters. Applied to every detail, so an SMTP error that quotes the recipient (or a
 * rejection reason with an address in it) is stored masked too.
 */
export function safeDetail(text: string): string {
  const safe = maskEmailsIn(text)
    .replace(/token=[^\s&"'<>]+/gi, "token=…")
    .replace(/[A-Za-z0-9_-]{40,}/g, "…");
  const characters = Array.from(safe);
  return characters.length <= MAX_DETAIL ? safe : `${characters.slice(0, MAX_DETAIL - 1).join("")}…`;
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7-style id: the machine's millisecond, then a counter, then random bits. Ids of one process
 * only grow, so events of the same tenant-clock instant (a sandbox clock stands still) read back in
 * the order they were written.
 */
function eventId(): string {
  const ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMs += 1;
    sequence = 0;
  }
  // the last 64 bits of a random UUID, its variant bits included (randomUUID draws from a buffer: an import writes thousands)
  const random = randomUUID().slice(19).replace("-", "");
  const hex = lastMs.toString(16).padStart(12, "0") + "7" + sequence.toString(16).padStart(3, "0") + random;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
