import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { DataSource } from "typeorm";
import { unsupportedInstant } from "../domain/supported-dates.js";
import { Tenant } from "../entities/index.js";
import { AppError, badInput } from "../errors.js";
import { holdTestClock, releaseTestClock } from "../sql/holdTestClock.js";
import { moveTestClock } from "../sql/moveTestClock.js";
import { nextDueInstant } from "../sql/nextDueInstant.js";
import type { Clock } from "./clock.js";
import type { InvitationDispatch } from "./invitation-dispatch.js";
import type { LeaverService } from "./leaver.service.js";
import type { ReminderDispatch } from "./reminder-dispatch.js";
import type { TenantScope } from "./tenant-scope.js";

/** How long (real time) an advance holds the test clock between two renewals; a crashed one frees it after that. */
const HOLD_MS = 60_000;
/** How long an advance waits for another of the same tenant before it answers CONFLICT. */
const WAIT_MS = 120_000;
/** How often a waiting advance, or one waiting for a send in flight, looks again. */
const POLL_MS = 20;

/**
 * Test clocks (sandbox tenants): moving the clock forward runs, in time order, every send, expiry,
 * reminder (R10) and leaver's link removal (R9) that falls due on the way — through the same code that real time runs. One advance per
 * tenant at a time (a hold on the tenant's row, across processes); the clock only moves forward.
 */
export class TestClockService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly dispatch: InvitationDispatch,
    private readonly leavers: LeaverService,
    private readonly reminders: ReminderDispatch,
  ) {}

  async advance(scope: TenantScope, to: Date): Promise<Tenant> {
    const scoped = await scope.tenant();
    if (!scoped.sandbox) throw badInput("Only a sandbox tenant has a test clock", "to");
    const outOfRange = unsupportedInstant(to, "to");
    if (outOfRange) throw badInput(outOfRange, "to");
    const holder = randomUUID();
    await this.hold(scope.tenantId, holder);
    try {
      // read after the hold: an advance that ran before this one has moved it
      const tenant = await this.dataSource.manager.findOneByOrFail(Tenant, { id: scope.tenantId });
      if (!tenant.testClockNow) throw badInput("Only a sandbox tenant has a test clock", "to");
      if (to.getTime() < tenant.testClockNow.getTime()) {
        throw badInput(`A test clock only moves forward: it is ${tenant.testClockNow.toISOString()}`, "to");
      }
      await this.dispatch.reclaim({ tenantId: tenant.id }); // a send cut off by a crash
      // Each round moves the clock to the next instant something is due and runs what is due then,
      // in batches: as many rounds as there are distinct instants, in bounded memory. A round runs
      // only the kinds of work due (one statement says which), as an outside tester's hires spread
      // over a year make hundreds of rounds with a few sends or expiries each.
      for (;;) {
        const now = tenant.testClockNow!;
        const reminders = tenant.reminderDaysBeforeExpiry === null ? null : { daysBefore: tenant.reminderDaysBeforeExpiry, timeZone: tenant.timeZone, now };
        const due = await nextDueInstant(this.dataSource.manager, { tenantId: tenant.id, now, to, reminders });
        if (!due) break;
        if (due.at.getTime() > now.getTime()) await this.move(tenant, holder, due.at); // renews the hold too
        else await this.renew(tenant.id, holder);
        let done = 0;
        if (due.sends) done += await this.dispatch.sendDue(tenant, { breaker: false });
        if (due.expiries) done += await this.dispatch.expireDue(tenant.id);
        if (due.removals) done += await this.leavers.removeDue(tenant.id, tenant); // R9: leavers' links
        if (due.reminders) done += await this.reminders.remindDue(tenant, { breaker: false });
        if (done === 0) {
          // a send in flight (a request's own, right after its commit) is due now: let it finish
          await sleep(POLL_MS);
          await this.dispatch.reclaim({ tenantId: tenant.id });
        }
      }
      await this.move(tenant, holder, to);
      scope.adopt(tenant).testClockNow = tenant.testClockNow;
      return tenant;
    } finally {
      await releaseTestClock(this.dataSource.manager, { tenantId: scope.tenantId, holder });
    }
  }

  /** Waits until this advance holds the tenant's test clock. */
  private async hold(tenantId: string, holder: string): Promise<void> {
    const giveUp = Date.now() + WAIT_MS;
    while (!(await this.renew(tenantId, holder))) {
      if (Date.now() > giveUp) throw new AppError("CONFLICT", "Another advance of this test clock is still running; try again when it has answered");
      await sleep(POLL_MS);
    }
  }

  private renew(tenantId: string, holder: string): Promise<boolean> {
    const now = this.clock.now();
    return holdTestClock(this.dataSource.manager, { tenantId, holder, now, until: new Date(now.getTime() + HOLD_MS) });
  }

  private async move(tenant: Tenant, holder: string, to: Date): Promise<void> {
    const heldUntil = new Date(this.clock.now().getTime() + HOLD_MS);
    if (!(await moveTestClock(this.dataSource.manager, { tenantId: tenant.id, holder, to, heldUntil }))) {
      throw new AppError("CONFLICT", "The test clock was taken over by another advance (this one held it too long); try again");
    }
    tenant.testClockNow = to;
  }
}
