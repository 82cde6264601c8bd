import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { In, type DataSource } from "typeorm";
import { inTransaction } from "../db/transaction.js";
import { contractEvent, webhookPayload } from "../domain/events.js";
import { nextAttempt, retryAfterMs } from "../domain/webhook-retry.js";
import { EmploymentEvent, WebhookDelivery, WebhookEndpoint } from "../entities/index.js";
import type { Logger } from "../log.js";
import { anyDeliveryDue, claimWebhookDeliveries } from "../sql/claimWebhookDeliveries.js";
import { anyEventToFanOut, fanOutEvents } from "../sql/fanOutEvents.js";
import { disableWebhookEndpoint, finishWebhookAttempt, type AttemptOutcome } from "../sql/finishWebhookAttempt.js";
import type { SendResult, WebhookSender } from "../webhooks/webhook-sender.js";
import type { Clock } from "./clock.js";

export interface RelaySettings {
  /** How often a worker looks for events to fan out and deliveries that are due (the sweep). */
  pollMs: number;
  /** One POST at most (R11: 15 s). */
  timeoutMs: number;
  /** How long a claim holds a delivery: the timeout and the time to record the answer. */
  leaseMs: number;
}

export const defaultRelaySettings: RelaySettings = { pollMs: 1000, timeoutMs: 15_000, leaseMs: 45_000 };

const FAN_OUT_BATCH = 500;
const CLAIM_BATCH = 50;
const MIN_GAP_MS = 200;

/**
 * The worker's side of webhooks (R11). The event table is the outbox: a pass fans new events out to
 * their endpoints as PENDING deliveries, then claims the due ones (a lease per delivery, so two
 * workers never send one at once) and POSTs them, signed after Standard Webhooks 1.0. The database
 * is the truth; a pass runs every `pollMs` (the sweep) and at once when this process wrote events
 * (`kick`). A worker that dies mid-delivery leaves its claim to run out: the delivery is sent again
 * with the same webhook-id (at least once; receivers de-duplicate by it).
 */
export class WebhookRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private waiting: NodeJS.Timeout | null = null;
  private lastStart = 0;
  private stopped = true;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly sender: WebhookSender,
    private readonly settings: RelaySettings,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.settings.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Lets a pass in flight finish (its POSTs are bounded by the timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.waiting) clearTimeout(this.waiting);
    this.timer = null;
    this.waiting = null;
    await this.running;
  }

  /**
   * A pass now, or right after the one running (events were just written) — but at most one pass
   * start per MIN_GAP_MS, so that a burst's thousand notices a second cost a few passes, not a thousand.
   */
  kick(): void {
    if (this.stopped || this.waiting) return; // a pass is about to start
    if (this.running) {
      this.again = true;
      return;
    }
    const wait = this.lastStart + MIN_GAP_MS - Date.now();
    if (wait > 0) {
      this.waiting = setTimeout(() => {
        this.waiting = null;
        this.kick();
      }, wait);
      return;
    }
    this.lastStart = Date.now();
    this.running = this.pass()
      .catch((error: unknown) => this.log.warn({ err: error }, "webhook pass failed; the next one retries"))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Fans out every waiting event, then delivers what is due, batch after batch. */
  async pass(): Promise<void> {
    // READ COMMITTED: MySQL then locks only the rows read, no gaps, so the inserts of new events and deliveries never wait for a pass
    const fanOut = () => inTransaction(this.dataSource.manager, (m) => fanOutEvents(m, { now: this.clock.now(), limit: FAN_OUT_BATCH }), "READ COMMITTED");
    // a plain read first: an idle pass is two cheap statements, no transaction (the embedded database has one session for all)
    if (await anyEventToFanOut(this.dataSource.manager)) while ((await fanOut()) === FAN_OUT_BATCH);
    while (!this.stopped) {
      const now = this.clock.now();
      if (!(await anyDeliveryDue(this.dataSource.manager, now))) return;
      const claim = { claimId: randomUUID(), leaseUntil: new Date(now.getTime() + this.settings.leaseMs) };
      const claimed = await inTransaction(this.dataSource.manager, (m) => claimWebhookDeliveries(m, { now, limit: CLAIM_BATCH, ...claim }), "READ COMMITTED");
      if (claimed.length === 0) return;
      await this.deliverAll(claimed); // and claim again: a later event of a hire just delivered may go now
    }
  }

  private async deliverAll(claimed: WebhookDelivery[]): Promise<void> {
    const manager = this.dataSource.manager;
    const [endpoints, events] = await Promise.all([
      manager.findBy(WebhookEndpoint, { id: In([...new Set(claimed.map((d) => d.endpointId))]) }),
      manager.findBy(EmploymentEvent, { id: In([...new Set(claimed.map((d) => d.eventId))]) }),
    ]);
    const endpointOf = new Map(endpoints.map((e) => [e.id, e]));
    const eventOf = new Map(events.map((e) => [e.id, e]));
    await Promise.all(claimed.map((delivery) => this.deliver(delivery, endpointOf.get(delivery.endpointId), eventOf.get(delivery.eventId))));
  }

  private async deliver(delivery: WebhookDelivery, endpoint: WebhookEndpoint | undefined, row: EmploymentEvent | undefined): Promise<void> {
    const event = row ? contractEvent(row) : null;
    if (!endpoint || !event || endpoint.tenantId !== delivery.tenantId || row!.tenantId !== delivery.tenantId) {
      await this.finish(delivery, { status: "FAILED", responseStatus: null, error: "the endpoint or the event no longer exists" });
      return;
    }
    const body = JSON.stringify(webhookPayload(event));
    const sentAt = this.clock.now(); // real time: receivers check webhook-timestamp against theirs (a sandbox's event is dated in the body)
    const result = await this.sender.post(endpoint.url, signedHeaders(endpoint, event.id, sentAt, body), body);
    const outcome = this.outcomeOf(delivery, result);
    if ("status" in result && result.status === 410) {
      await disableWebhookEndpoint(this.dataSource.manager, { endpointId: endpoint.id, reason: `The receiver answered 410 Gone at ${sentAt.toISOString()}` });
      this.log.warn({ endpointId: endpoint.id, tenantId: endpoint.tenantId }, "webhook endpoint answered 410 Gone: disabled");
    }
    await this.finish(delivery, outcome);
  }

  private outcomeOf(delivery: WebhookDelivery, result: SendResult): AttemptOutcome {
    const now = this.clock.now();
    if ("status" in result && result.status >= 200 && result.status < 300) return { status: "SUCCEEDED", responseStatus: result.status };
    // 410: the endpoint is disabled; the delivery waits, due at once, for HR to enable it again
    if ("status" in result && result.status === 410) return { status: "PENDING", nextAttemptAt: now, responseStatus: 410, error: "410 Gone: the endpoint was disabled" };
    const responseStatus = "status" in result ? result.status : null;
    const error = "status" in result ? `HTTP ${result.status}` : result.error;
    const header = "status" in result ? result.headers["retry-after"] : undefined;
    const next = nextAttempt({
      attempt: delivery.attempts,
      firstAttemptAt: delivery.firstAttemptAt ?? now,
      now,
      retryAfterMs: retryAfterMs(Array.isArray(header) ? header[0] : header, now),
      random: Math.random(),
    });
    return next === "failed" ? { status: "FAILED", responseStatus, error } : { status: "PENDING", nextAttemptAt: next.retryAt, responseStatus, error };
  }

  private async finish(delivery: WebhookDelivery, outcome: AttemptOutcome): Promise<void> {
    const recorded = await finishWebhookAttempt(this.dataSource.manager, { deliveryId: delivery.id, claimId: delivery.leasedBy!, outcome });
    if (!recorded) this.log.info({ deliveryId: delivery.id }, "webhook attempt finished after its claim ran out; another worker has it");
    else if (outcome.status !== "SUCCEEDED") this.log.info({ deliveryId: delivery.id, attempts: delivery.attempts, outcome: outcome.status, error: outcome.error }, "webhook not delivered");
  }
}

/**
 * Standard Webhooks headers, signed with the standardwebhooks package: `webhook-signature` holds a
 * `v1,…` signature per secret, space-separated — the new one and, for 24 h after a rotation, the old one.
 */
export function signedHeaders(endpoint: Pick<WebhookEndpoint, "secret" | "previousSecret" | "previousSecretUntil">, id: string, at: Date, body: string): Record<string, string> {
  const secrets = [endpoint.secret];
  if (endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil.getTime() > at.getTime()) secrets.push(endpoint.previousSecret);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(" "),
  };
}
