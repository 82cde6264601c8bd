import { randomBytes, randomUUID } from "node:crypto";
import { Brackets } from "typeorm";
import { isEventType } from "../domain/events.js";
import { hasNul } from "../domain/input-text.js";
import { hostOf, webhookUrlProblem, type TargetRules } from "../domain/webhook-target.js";
import { EmploymentEvent, WebhookDelivery, WebhookEndpoint } from "../entities/index.js";
import { badInput, notFound } from "../errors.js";
import { newDelivery } from "../sql/fanOutEvents.js";
import { checkedAddress, TargetRefused, type ResolveHost } from "../webhooks/target-addresses.js";
import type { Clock } from "./clock.js";
import type { TenantScope } from "./tenant-scope.js";

/** How long the old secret signs beside the new one after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
const MAX_ENDPOINTS = 50;
const MAX_PAGE = 100;

export interface WebhookEndpointWithSecret {
  endpoint: WebhookEndpoint;
  /** "whsec_…": shown once, at creation and rotation. */
  secret: string;
}

export interface DeliveryPage {
  items: { cursor: string; delivery: WebhookDelivery }[];
  hasNextPage: boolean;
  totalCount: number;
}

/**
 * HR's webhook endpoints (R11): create (the secret shown once), rotate, enable, delete, the delivery
 * log, and replaying an event. Every read and write is of the caller's tenant (TenantScope); an id of
 * another tenant is NOT_FOUND. A target must be public (SSRF), checked here and at each delivery.
 */
export class WebhookService {
  constructor(
    private readonly clock: Clock,
    private readonly resolve: ResolveHost,
    private readonly rules: TargetRules,
  ) {}

  endpoints(scope: TenantScope): Promise<WebhookEndpoint[]> {
    return scope.query(WebhookEndpoint, "w").orderBy("w.createdAt", "ASC").addOrderBy("w.id", "ASC").getMany();
  }

  async create(scope: TenantScope, input: { url: string; eventTypes?: string[] | null }): Promise<WebhookEndpointWithSecret> {
    const url = input.url.trim();
    const eventTypes = [...new Set(input.eventTypes ?? [])];
    const unknown = eventTypes.filter((type) => !isEventType(type));
    if (unknown.length) throw badInput(`Unknown event type${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, "eventTypes");
    await this.checkTarget(url);
    const secret = newSecret();
    const endpoint = await scope.transaction(async (tx) => {
      if ((await tx.query(WebhookEndpoint, "w").getCount()) >= MAX_ENDPOINTS) throw badInput(`At most ${MAX_ENDPOINTS} endpoints per tenant`, "url");
      const [row] = await tx.insert(WebhookEndpoint, [
        {
          id: randomUUID(),
          url,
          eventTypes: eventTypes.join(","),
          enabled: true,
          disabledReason: null,
          secret,
          previousSecret: null,
          previousSecretUntil: null,
          createdAt: this.clock.now(),
        },
      ]);
      return row!;
    });
    return { endpoint, secret };
  }

  /** A new secret; the current one keeps signing beside it for 24 hours, so receivers can switch without losing a delivery. */
  async rotateSecret(scope: TenantScope, id: string): Promise<WebhookEndpointWithSecret> {
    const secret = newSecret();
    const endpoint = await scope.transaction(async (tx) => {
      const endpoint = await this.lock(tx, id);
      const changes = { secret, previousSecret: endpoint.secret, previousSecretUntil: new Date(this.clock.now().getTime() + ROTATION_OVERLAP_MS) };
      await tx.manager.update(WebhookEndpoint, { id, tenantId: tx.tenantId }, changes);
      return Object.assign(endpoint, changes);
    });
    return { endpoint, secret };
  }

  /** Enabled again (after a 410): its waiting deliveries go out, in order, from the next pass. The target is checked again. */
  async enable(scope: TenantScope, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.get(scope, id);
    await this.checkTarget(endpoint.url);
    await scope.manager.update(WebhookEndpoint, { id, tenantId: scope.tenantId }, { enabled: true, disabledReason: null });
    return Object.assign(endpoint, { enabled: true, disabledReason: null });
  }

  /** The endpoint and its delivery log are gone; nothing more is sent to it. */
  async delete(scope: TenantScope, id: string): Promise<boolean> {
    await scope.transaction(async (tx) => {
      await this.lock(tx, id);
      await tx.manager.delete(WebhookDelivery, { endpointId: id, tenantId: tx.tenantId });
      await tx.manager.delete(WebhookEndpoint, { id, tenantId: tx.tenantId });
    });
    return true;
  }

  /** The endpoint's deliveries, newest first. */
  async deliveries(scope: TenantScope, endpointId: string, first: number, after: string | null): Promise<DeliveryPage> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) throw badInput(`first must be from 0 to ${MAX_PAGE}`, "first");
    await this.get(scope, endpointId);
    const page = scope.query(WebhookDelivery, "d").andWhere("d.endpointId = :endpointId", { endpointId });
    const totalCount = await page.clone().getCount();
    if (after) {
      const position = decodeCursor(after);
      page.andWhere(
        new Brackets((w) =>
          w
            .where("d.createdAt < :at", position)
            .orWhere("d.createdAt = :at AND d.eventId < :eventId", position)
            .orWhere("d.createdAt = :at AND d.eventId = :eventId AND d.id < :id", position),
        ),
      );
    }
    // the events of one fan-out share createdAt: then the later event first (event ids are time-ordered)
    const rows = await page.orderBy("d.createdAt", "DESC").addOrderBy("d.eventId", "DESC").addOrderBy("d.id", "DESC").limit(first + 1).getMany();
    return { items: rows.slice(0, first).map((delivery) => ({ cursor: encodeCursor(delivery), delivery })), hasNextPage: rows.length > first, totalCount };
  }

  /** Delivers one of the tenant's events to the endpoint again, as a new delivery with the event's id as webhook-id (whatever the endpoint's filter). */
  async replay(scope: TenantScope, endpointId: string, eventId: string): Promise<WebhookDelivery> {
    return scope.transaction(async (tx) => {
      const endpoint = await this.get(tx, endpointId);
      const event = await tx.manager.findOneBy(EmploymentEvent, { id: eventId, tenantId: tx.tenantId });
      if (!event || !event.type || !event.employeeId) throw notFound("Event");
      const delivery = newDelivery(endpoint, event, randomUUID(), this.clock.now());
      await tx.manager.insert(WebhookDelivery, delivery);
      return delivery;
    });
  }

  private async get(scope: TenantScope, id: string): Promise<WebhookEndpoint> {
    const endpoint = hasNul(id) ? null : await scope.findOne(WebhookEndpoint, { id });
    if (!endpoint) throw notFound("Webhook endpoint");
    return endpoint;
  }

  private async lock(tx: TenantScope, id: string): Promise<WebhookEndpoint> {
    const endpoint = hasNul(id) ? null : await tx.query(WebhookEndpoint, "w").andWhere("w.id = :id", { id }).setLock("pessimistic_write").getOne();
    if (!endpoint) throw notFound("Webhook endpoint");
    return endpoint;
  }

  /** The URL's rules, then every address its host resolves to (R11: no requests to private networks). */
  private async checkTarget(url: string): Promise<void> {
    const problem = webhookUrlProblem(url, this.rules);
    if (problem) throw badInput(problem, "url");
    try {
      await checkedAddress(this.resolve, hostOf(new URL(url)), this.rules.allowPrivate);
    } catch (error) {
      if (error instanceof TargetRefused) throw badInput(error.message, "url");
      throw error;
    }
  }
}

/** A Standard Webhooks secret: "whsec_" and 32 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

function encodeCursor(delivery: WebhookDelivery): string {
  return Buffer.from(`${delivery.createdAt.toISOString()}|${delivery.eventId}|${delivery.id}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { at: Date; eventId: string; id: string } {
  const [at, eventId, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = new Date(at ?? "");
  if (!eventId || !id || hasNul(eventId) || hasNul(id) || Number.isNaN(date.getTime())) throw badInput("after is not a cursor from this list", "after");
  return { at: date, eventId, id };
}
