import { retryDelayMs } from "../domain/retry.js";

/**
 * Invitations one worker claims and sends at a time in a burst: one locking statement per batch, a
 * batch in flight over the mailer's pool (bench/README.md, "Tuning").
 */
export const SEND_BATCH = 50;

/**
 * The sends of one burst in flight: the next batch is claimed while half of this one is still on its
 * way, so that the mailer's pool never runs dry between batches. The first error (e.g. the database
 * went away) stops the burst; the sends it left SENDING are retried once their lease runs out.
 */
export class SendWindow {
  private readonly inFlight = new Set<Promise<void>>();
  failure: unknown = null;

  add(send: Promise<void>): void {
    const tracked: Promise<void> = send.then(
      () => undefined,
      (error: unknown) => void (this.failure ??= error),
    );
    const settled = tracked.finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }

  /** Waits until at most half a batch is in flight. */
  async makeRoom(): Promise<void> {
    while (this.inFlight.size > SEND_BATCH / 2) await Promise.race(this.inFlight);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}

/**
 * When the SMTP server refuses SEND_BATCH mails in a row, bursts stop and this process starts none
 * for the first retry delay: the refused ones retry with back-off, the rest wait for the sweep,
 * instead of the whole backlog failing at once. Real time: a test clock never rests.
 */
export class SmtpBreaker {
  private refusedInARow = 0;
  private restsUntil = 0;

  resting(now: Date): boolean {
    return now.getTime() < this.restsUntil;
  }

  /** Counts one outcome; true when this refusal opened the breaker. */
  record(outcome: "sent" | "refused" | "cancelled", now: Date): boolean {
    this.refusedInARow = outcome === "refused" ? this.refusedInARow + 1 : 0;
    if (this.refusedInARow < SEND_BATCH) return false;
    this.refusedInARow = 0;
    this.restsUntil = now.getTime() + retryDelayMs(1);
    return true;
  }

  get until(): Date {
    return new Date(this.restsUntil);
  }
}
