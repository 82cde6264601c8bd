import type { EntityManager } from "typeorm";
import { WebhookDelivery, WebhookEndpoint } from "../entities/index.js";

/** What became of a claimed attempt: delivered, due again at `nextAttemptAt`, or given up. */
export type AttemptOutcome =
  | { status: "SUCCEEDED"; responseStatus: number }
  | { status: "PENDING"; nextAttemptAt: Date; responseStatus: number | null; error: string }
  | { status: "FAILED"; responseStatus: number | null; error: string };

/** Records an attempt of `claimId`'s claim: only while that claim still holds the delivery. Returns whether it did. */
export async function finishWebhookAttempt(manager: EntityManager, p: { deliveryId: string; claimId: string; outcome: AttemptOutcome }): Promise<boolean> {
  const o = p.outcome;
  const result = await manager.update(
    WebhookDelivery,
    { id: p.deliveryId, status: "PENDING", leasedBy: p.claimId },
    {
      status: o.status,
      nextAttemptAt: o.status === "PENDING" ? o.nextAttemptAt : null,
      lastResponseStatus: o.responseStatus,
      lastError: o.status === "SUCCEEDED" ? null : o.error.slice(0, 500),
      leasedBy: null,
      leaseUntil: null,
    },
  );
  return result.affected === 1;
}

/** The receiver answered 410 Gone: the endpoint is disabled at once, with the reason, until HR enables it again. */
export async function disableWebhookEndpoint(manager: EntityManager, p: { endpointId: string; reason: string }): Promise<void> {
  await manager.update(WebhookEndpoint, { id: p.endpointId, enabled: true }, { enabled: false, disabledReason: p.reason.slice(0, 500) });
}
