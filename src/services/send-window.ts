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
 * Writes what a burst's sends produce in shared transactions: an item waits while the write before
 * it commits, then everything that arrived meanwhile is written together by one call of `write` (a
 * group commit). The first item is written at once, so a lone send waits for nobody; under a burst
 * the mails the SMTP server accepted during one commit share the next. Each `add` resolves with what
 * `write` answered for its item, or rejects with the error of its group's write.
 */
export class WriteGroups<T, R> {
  private waiting: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly write: (items: T[]) => Promise<(item: T) => R>) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) void this.writeAll();
    });
  }

  private async writeAll(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const group = this.waiting;
      this.waiting = [];
      try {
        const resultOf = await this.write(group.map((w) => w.item));
        for (const w of group) w.resolve(resultOf(w.item));
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    this.writing = false;
  }
}

/**
 * When the SMTP server refuses SEND_BATCH of one tenant's mails in a row, that tenant's bursts stop
 * and this process starts none of its bursts for the first retry delay: the refused ones retry with
 * back-off, the rest wait for the sweep, instead of the whole backlog failing at once. Counted per
 * tenant, so that one tenant's bad addresses never hold back another tenant's mail (R10); a server
 * that is down refuses every tenant, and each stops after its own SEND_BATCH. Real time: a test clock
 * never rests.
 */
export class SmtpBreaker {
  private readonly tenants = new Map<string, { refusedInARow: number; restsUntil: number }>();

  resting(tenantId: string, now: Date): boolean {
    return now.getTime() < (this.tenants.get(tenantId)?.restsUntil ?? 0);
  }

  /** Counts one outcome of the tenant's; true when this refusal made it rest. */
  record(tenantId: string, outcome: "sent" | "refused" | "cancelled", now: Date): boolean {
    if (outcome !== "refused") {
      this.tenants.delete(tenantId); // a mail went through (or was not tried): the count starts again
      return false;
    }
    const state = this.tenants.get(tenantId) ?? { refusedInARow: 0, restsUntil: 0 };
    this.tenants.set(tenantId, state);
    if (++state.refusedInARow < SEND_BATCH) return false;
    state.refusedInARow = 0;
    state.restsUntil = now.getTime() + retryDelayMs(1);
    return true;
  }

  /** Until when the tenant's bursts rest. */
  until(tenantId: string): Date {
    return new Date(this.tenants.get(tenantId)?.restsUntil ?? 0);
  }
}
