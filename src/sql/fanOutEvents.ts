import { createHash } from "node:crypto";
import type { EntityManager } from "typeorm";
import { EmploymentEvent, WebhookDelivery, WebhookEndpoint } from "../entities/index.js";

/**
 * The first delivery of an event to an endpoint has an id made from the two, so that fanning the
 * same event out again (a worker that died before clearing the flag) inserts nothing new.
 */
export function firstDeliveryId(endpointId: string, eventId: string): string {
  const hex = createHash("sha256").update(`${endpointId}:${eventId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** An endpoint takes an event if it is enabled and lists its type (or lists none). */
export const endpointTakes = (endpoint: Pick<WebhookEndpoint, "enabled" | "eventTypes">, type: string) =>
  endpoint.enabled && (endpoint.eventTypes === "" || endpoint.eventTypes.split(",").includes(type));

/**
 * Up to `limit` events still waiting for their webhook deliveries (webhooksPending, any tenant)
 * become PENDING deliveries to each enabled endpoint of their tenant that takes their type, due at
 * `now`; the events' flag is cleared. Events another worker holds are skipped, not waited for. Run it
 * in a transaction; returns how many events it took.
 */
export async function fanOutEvents(manager: EntityManager, p: { now: Date; limit: number }): Promise<number> {
  const events = await manager
    .createQueryBuilder(EmploymentEvent, "v")
    .select(["v.id", "v.tenantId", "v.employmentId", "v.type", "v.at"])
    .where("v.webhooksPending = :yes", { yes: true })
    .orderBy("v.id", "ASC")
    .limit(p.limit)
    .setLock("pessimistic_write")
    .setOnLocked("skip_locked")
    .getMany();
  if (events.length === 0) return 0;
  const tenants = [...new Set(events.map((v) => v.tenantId))];
  const endpoints = await manager.createQueryBuilder(WebhookEndpoint, "w").where("w.tenantId IN (:...tenants) AND w.enabled = :yes", { tenants, yes: true }).getMany();
  const deliveries: WebhookDelivery[] = [];
  for (const event of events) {
    for (const endpoint of endpoints) {
      if (endpoint.tenantId !== event.tenantId || !endpointTakes(endpoint, event.type!)) continue;
      deliveries.push(newDelivery(endpoint, event, firstDeliveryId(endpoint.id, event.id), p.now));
    }
  }
  for (let i = 0; i < deliveries.length; i += 500) {
    await manager.createQueryBuilder().insert().into(WebhookDelivery).values(deliveries.slice(i, i + 500)).orIgnore().execute();
  }
  await manager
    .createQueryBuilder()
    .update(EmploymentEvent)
    .set({ webhooksPending: false })
    .whereInIds(events.map((v) => v.id))
    .execute();
  return events.length;
}

/** A PENDING delivery of `event` to `endpoint`, due at `now`. */
export function newDelivery(endpoint: Pick<WebhookEndpoint, "id" | "tenantId">, event: Pick<EmploymentEvent, "id" | "employmentId" | "type" | "at">, id: string, now: Date): WebhookDelivery {
  return Object.assign(new WebhookDelivery(), {
    id,
    tenantId: endpoint.tenantId,
    endpointId: endpoint.id,
    eventId: event.id,
    eventType: event.type!,
    employmentId: event.employmentId,
    eventAt: event.at,
    status: "PENDING",
    attempts: 0,
    nextAttemptAt: now,
    firstAttemptAt: null,
    lastAttemptAt: null,
    lastResponseStatus: null,
    lastError: null,
    leasedBy: null,
    leaseUntil: null,
    createdAt: now,
  });
}

/** Whether any event waits for its fan-out: a read without locks, to skip the transaction when none does. */
export async function anyEventToFanOut(manager: EntityManager): Promise<boolean> {
  return (await manager.createQueryBuilder(EmploymentEvent, "v").select("v.id").where("v.webhooksPending = :yes", { yes: true }).limit(1).getRawOne()) !== undefined;
}
