import { contractEvent, type EmploymentEventView } from "../domain/events.js";
import { notFound } from "../errors.js";
import type { TailedEvent } from "../sql/tailEmploymentEvents.js";
import type { EmploymentEventFeed } from "./event-feed.js";
import type { AccountStatus, HireQueries } from "./hire-queries.js";
import { SubscriberQueue } from "./subscriber-queue.js";
import type { TenantScope } from "./tenant-scope.js";

/** Events one subscription may have waiting to be sent; one more closes its connection (the subscriber is too slow). */
export const MAX_UNSENT_EVENTS = 1000;

/**
 * The subscriptions' use cases: what a caller hears of the events of the employment_event table, with
 * the same scope as its queries — its tenant's, and of a partner's key only its partner's hires (R12).
 * `tooSlow` is called when a subscriber falls `maxUnsent` events behind (its connection is then closed):
 * one slow subscriber never holds back the feed or the others, and its backlog never grows unbounded.
 */
export class EventSubscriptions {
  constructor(
    private readonly feed: EmploymentEventFeed,
    private readonly queries: HireQueries,
    private readonly maxUnsent = MAX_UNSENT_EVENTS,
  ) {}

  /**
   * The scope's events (R11's types: history rows that are no partner-visible event are left out) from
   * now on, in the order the feed reads them; of one employment if `employmentId` (NOT_FOUND as the
   * query would answer).
   */
  async employmentEvents(scope: TenantScope, employmentId: string | null, tooSlow: () => void): Promise<AsyncIterableIterator<EmploymentEventView>> {
    const queue = new SubscriberQueue<EmploymentEventView>(this.maxUnsent, tooSlow);
    // listening before the check: nothing committed in between is missed
    queue.whenEnded(
      this.feed.listen(scope.tenantId, (tailed) => {
        if (!visibleTo(scope, tailed)) return;
        if (employmentId !== null && tailed.event.employmentId !== employmentId) return;
        const event = contractEvent(tailed.event);
        if (event) queue.push(event);
      }),
    );
    try {
      await this.feed.running();
      if (employmentId !== null && !(await this.queries.employment(scope, employmentId))) throw notFound("Employment");
    } catch (error) {
      queue.end();
      throw error;
    }
    return queue;
  }

  /**
   * The employee's account status as `accountStatus` answers it: first as it is now (so that a client
   * misses nothing between its query and its subscription), then after every event of any of the
   * employee's employments — read afresh then, and sent only when it differs from the last one sent.
   * Events that arrive while one read runs are answered by one more read.
   */
  async accountStatusChanges(scope: TenantScope, employeeId: string): Promise<AsyncIterableIterator<AccountStatus>> {
    const changed = new SubscriberQueue<true>(1, () => undefined, true);
    changed.whenEnded(
      this.feed.listen(scope.tenantId, (tailed) => {
        if (tailed.employment.employeeId === employeeId && visibleTo(scope, tailed)) changed.push(true);
      }),
    );
    const read = () => this.queries.accountStatus(scope.renewed(), employeeId);
    const first = await this.feed.running().then(read).catch((error: unknown) => {
      changed.end();
      throw error;
    });
    if (!first) {
      changed.end();
      throw notFound("Employee");
    }
    let pending: AccountStatus | null = first;
    let last = fingerprint(first);
    const statuses: AsyncIterableIterator<AccountStatus> = {
      async next(): Promise<IteratorResult<AccountStatus>> {
        if (pending) {
          const value = pending;
          pending = null;
          return { value, done: false };
        }
        for (;;) {
          if ((await changed.next()).done) return { value: undefined, done: true };
          const status = await read();
          if (!status) continue;
          const print = fingerprint(status);
          if (print === last) continue;
          last = print;
          return { value: status, done: false };
        }
      },
      return(): Promise<IteratorResult<AccountStatus>> {
        changed.end();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return statuses;
      },
    };
    return statuses;
  }
}

/** A partner's scope hears only the hires its partner registered; to it others do not exist (R12). */
function visibleTo(scope: TenantScope, tailed: TailedEvent): boolean {
  return scope.partner === null || tailed.employee.registeredByPartner === scope.partner;
}

/** What a client of accountStatus sees, to tell whether it changed. */
function fingerprint(status: AccountStatus): string {
  const { employee, connectStatus, invitation, connectAccount } = status;
  return JSON.stringify([connectStatus, employee.email, invitation, connectAccount]);
}
