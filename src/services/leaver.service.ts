import { In, type DataSource, type EntityManager } from "typeorm";
import { inTransaction } from "../db/transaction.js";
import { maskEmail } from "../domain/hire-status.js";
import { disconnectAtFor, endedDetail, endRefusal, needsLink } from "../domain/leavers.js";
import { unsupportedDate } from "../domain/supported-dates.js";
import { disconnectAfterDays } from "../domain/tenant-settings.js";
import { Employment, EmploymentTemplate, Tenant, User, UserTemplate } from "../entities/index.js";
import { AppError, badInput, notFound } from "../errors.js";
import type { Logger } from "../log.js";
import { dueRemovals, type DueRemoval } from "../sql/dueRemovals.js";
import { lockConnectAccount } from "../sql/lockConnectAccount.js";
import { lockEmployment, lockEmploymentsOfEmployee } from "../sql/lockEmployment.js";
import { markRemovalDone } from "../sql/markRemovalDone.js";
import { pendingRemovalEndDates } from "../sql/pendingRemovalEndDates.js";
import { readTenantForShare } from "../sql/readTenantForShare.js";
import { removeConnectLink } from "../sql/removeConnectLink.js";
import { replanRemovals } from "../sql/replanRemovals.js";
import { setEndDate } from "../sql/setEndDate.js";
import type { Clock } from "./clock.js";
import { actorOf, recordEvent, SYSTEM, type Actor, type Caller, type NewEmploymentEvent } from "./history.js";
import type { RemovalJobs } from "./leaver-jobs.js";
import type { TenantScope } from "./tenant-scope.js";
import type { UnitOfWork } from "./unit-of-work.js";

const REMOVAL_BATCH = 200;

/** What carrying out one due removal did. */
export type RemovalOutcome = "removed" | "kept" | "nothing-linked" | "not-due";

/**
 * Leavers (R9): HR's end date (endEmployment) plans when the employee's Connect link is removed, and
 * the worker's side removes it then — a job at disconnectAt, with the sweep behind it, exactly like
 * sends. The database is the truth: a removal is done once (Employment.disconnectDoneAt, a
 * conditional UPDATE), in one transaction with its DISCONNECTED event, so a doubled job, two
 * workers or a worker killed half-way remove each link exactly once.
 */
export class LeaverService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly unitOfWork: UnitOfWork,
    private readonly jobs: RemovalJobs | null,
    private readonly log: Logger,
  ) {}

  private get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * endEmployment: sets, changes or (null) withdraws the employment's last day, re-planning or
   * cancelling its removal. Once the removal is due the end date stands (CONFLICT; the same date
   * again answers as it is).
   */
  async end(scope: TenantScope, caller: Caller, employmentId: string, endDate: string | null): Promise<Employment> {
    if (endDate !== null) {
      const outOfRange = unsupportedDate(endDate, "endDate");
      if (outOfRange) throw badInput(outOfRange, "endDate");
    }
    const actor = actorOf(caller);
    const planned = await this.unitOfWork.run(scope, async (tx) => {
      const employment = await lockEmployment(tx.manager, { tenantId: tx.tenantId, partner: tx.partner, employmentId });
      if (!employment) throw notFound("Employment");
      const tenant = await readTenantForShare(tx.manager, tx.tenantId); // its N, and a settings change wholly before or after
      if (!tenant) throw notFound("Tenant");
      const now = this.clock.nowFor(tenant); // read under the lock: this change is dated after the one it waited for
      const refusal = endRefusal(employment, endDate, now);
      if (refusal) throw new AppError(refusal.code, refusal.message, refusal.field ? { field: refusal.field } : undefined);
      if (employment.endDate === endDate) return null; // the same again (a retry): nothing changes
      const disconnectAt = endDate === null ? null : disconnectAtFor(endDate, tenant.timeZone, disconnectAfterDays(tenant, await this.userTemplateOf(tx.manager, employment)));
      await setEndDate(tx.manager, { employmentId: employment.id, tenantId: tx.tenantId, endDate, disconnectAt });
      const detail = endedDetail(employment.endDate, endDate, disconnectAt);
      await recordEvent(tx.manager, { tenantId: tx.tenantId, employmentId: employment.id, kind: "ENDED", at: now, actor, detail });
      return disconnectAt ? { tenant, disconnectAt, now } : null;
    });
    if (planned) await this.afterPlanned(planned.tenant, [planned.disconnectAt], planned.now);
    const employment = await scope.findOne(Employment, { id: employmentId });
    if (!employment) throw notFound("Employment");
    return employment;
  }

  /**
   * After a commit that planned removals: one due already is carried out now; a later one is a job
   * at its instant (live tenants; a sandbox runs on its test clock). A lost job is the sweep's.
   */
  async afterPlanned(tenant: Tenant, instants: Date[], now: Date): Promise<void> {
    const later = new Map<number, Date>();
    let dueNow = false;
    for (const at of instants) {
      if (at.getTime() <= now.getTime()) dueNow = true;
      else later.set(at.getTime(), at);
    }
    if (dueNow) await this.removeDue(tenant.id).catch((error: unknown) => this.log.warn({ err: error, tenantId: tenant.id }, "a due removal failed; the sweep retries it"));
    if (tenant.sandbox || !this.jobs) return;
    for (const at of later.values()) {
      await this.jobs.scheduleRemovals(tenant.id, at).catch((error: unknown) => {
        this.log.warn({ err: error, tenantId: tenant.id }, "could not schedule the removal; the sweep carries it out when due");
      });
    }
  }

  /**
   * Registration with an end date (registerHire, importHires, the CSV file: R9, as endEmployment right
   * after): in the registration's transaction, before the new employments are inserted, sets each
   * one's endDate and disconnectAt and returns their ENDED events and the instants to plan (afterPlanned,
   * once committed). The rows were checked (src/domain/hire-row.ts: not before the start date).
   */
  async planAtRegistration(
    manager: EntityManager,
    tenantId: string,
    ended: { employment: Employment; endDate: string; userTemplateId: string | null }[],
    now: Date,
    actor: Actor,
  ): Promise<{ events: NewEmploymentEvent[]; instants: Date[] }> {
    if (!ended.length) return { events: [], instants: [] };
    const tenant = await readTenantForShare(manager, tenantId); // as endEmployment: a settings change wholly before or after
    if (!tenant) throw notFound("Tenant");
    const ids = [...new Set(ended.map((e) => e.userTemplateId).filter((id): id is string => id !== null))];
    const userTemplates = new Map((ids.length ? await manager.findBy(UserTemplate, { id: In(ids), tenantId }) : []).map((u) => [u.id, u]));
    const events: NewEmploymentEvent[] = [];
    const instants: Date[] = [];
    for (const { employment, endDate, userTemplateId } of ended) {
      const n = disconnectAfterDays(tenant, userTemplateId ? (userTemplates.get(userTemplateId) ?? null) : null);
      const disconnectAt = disconnectAtFor(endDate, tenant.timeZone, n);
      Object.assign(employment, { endDate, disconnectAt });
      events.push({ tenantId, employmentId: employment.id, kind: "ENDED", at: now, actor, detail: endedDetail(null, endDate, disconnectAt) });
      instants.push(disconnectAt);
    }
    return { events, instants };
  }

  /** The N of a hire's user template (its employment template's), if it sets one. */
  private async userTemplateOf(manager: EntityManager, employment: Employment): Promise<UserTemplate | null> {
    const template = await manager.findOneBy(EmploymentTemplate, { id: employment.templateId, tenantId: employment.tenantId });
    return template?.userTemplateId ? manager.findOneBy(UserTemplate, { id: template.userTemplateId, tenantId: employment.tenantId }) : null;
  }

  /**
   * R9, a new tenant-wide N (setTenantSettings, in its transaction, after it updated the tenant row):
   * every planned removal not yet due whose user template sets no N of its own follows it. Returns
   * how many moved; the caller schedules them with afterPlanned.
   */
  async replanForTenant(manager: EntityManager, tenant: Tenant, now: Date): Promise<Date[]> {
    const instants: Date[] = [];
    for (const endDate of await pendingRemovalEndDates(manager, { tenantId: tenant.id, now })) {
      const disconnectAt = disconnectAtFor(endDate, tenant.timeZone, tenant.disconnectAfterDays);
      if ((await replanRemovals(manager, { tenantId: tenant.id, endDate, disconnectAt, now })) > 0) instants.push(disconnectAt);
    }
    return instants;
  }

  /**
   * Carries out every removal of the tenant that is due at its clock's now; returns how many it
   * handled. `tenant`: as the caller has it now (a test clock's advance, which moved it), else read.
   */
  async removeDue(tenantId: string, tenant?: Tenant): Promise<number> {
    tenant ??= (await this.manager.findOneBy(Tenant, { id: tenantId })) ?? undefined;
    if (!tenant) return 0;
    let handled = 0;
    for (;;) {
      const due = await dueRemovals(this.manager, { of: { tenantId }, now: this.clock.nowFor(tenant), limit: REMOVAL_BATCH });
      let progress = 0;
      for (const removal of due) if ((await this.removeOne(tenant, removal)) !== "not-due") progress++;
      handled += progress;
      if (due.length < REMOVAL_BATCH || progress === 0) return handled;
    }
  }

  /** The safety net for lost jobs (live tenants): every removal due by now. */
  async sweep(): Promise<number> {
    let handled = 0;
    for (;;) {
      const due = await dueRemovals(this.manager, { of: { liveTenants: true }, now: this.clock.now(), limit: REMOVAL_BATCH });
      const tenants = [...new Set(due.map((d) => d.tenantId))];
      let progress = 0;
      for (const tenantId of tenants) progress += await this.removeDue(tenantId);
      handled += progress;
      if (due.length < REMOVAL_BATCH || progress === 0) return handled;
    }
  }

  /**
   * One due removal, in one transaction under the locks of all the employee's employments (id order,
   * as every change of several) and then of the account: marks it done, and removes the link unless
   * another employment of the employee still needs it (needsLink, read again once the account is
   * locked). A rehire that links to this account must lock it as well (lockConnectAccount), whether or
   * not it was linked: then the two run one after the other. The DISCONNECTED event is
   * written with the change, dated at disconnectAt.
   */
  async removeOne(tenant: Tenant, removal: DueRemoval): Promise<RemovalOutcome> {
    return inTransaction(this.manager, async (manager) => {
      const { tenantId, employeeId } = removal;
      const employments = await lockEmploymentsOfEmployee(manager, { tenantId, partner: null, employeeId });
      const employment = employments.find((m) => m.id === removal.id);
      const fresh = await manager.findOneBy(Tenant, { id: tenantId }); // the test clock as it is now
      const now = this.clock.nowFor(fresh ?? tenant);
      const disconnectAt = employment?.disconnectAt ?? null;
      if (!employment || employment.disconnectDoneAt !== null || disconnectAt === null || disconnectAt.getTime() > now.getTime()) return "not-due";
      if (!(await markRemovalDone(manager, { employmentId: employment.id, disconnectAt, now }))) return "not-due";
      const user = await manager.findOneBy(User, { employeeId, tenantId });
      const account = user ? await lockConnectAccount(manager, { tenantId, userId: user.id }) : null;
      if (!account || account.disconnectedAt !== null) return "nothing-linked";
      // read again under the account's lock: a rehire that links this account (it locks the account too,
      // src/sql/lockConnectAccount.ts) committed its new employment before, or sees the link removed after
      const current = await lockEmploymentsOfEmployee(manager, { tenantId, partner: null, employeeId });
      const keptFor = current.find((other) => other.id !== employment.id && needsLink(other, now));
      if (keptFor) {
        this.log.info({ tenantId, employmentId: employment.id, keptFor: keptFor.id }, "removal due, the link kept: another employment of the employee still needs it");
        return "kept";
      }
      if (!(await removeConnectLink(manager, { accountId: account.id, now: disconnectAt }))) return "nothing-linked";
      const detail = `the Connect link of ${maskEmail(account.email)} was removed (end date ${employment.endDate})`;
      await recordEvent(manager, { tenantId, employmentId: employment.id, kind: "DISCONNECTED", at: disconnectAt, actor: SYSTEM, detail });
      return "removed";
    });
  }
}
