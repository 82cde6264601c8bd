import { ConnectAccount, Employee, Employment, Invitation, User } from "../entities/index.js";
import { emailAddressProblem } from "../domain/email-address.js";
import { maskEmail } from "../domain/hire-status.js";
import { closedReason, resendRefusal, startDateReplans, WENT_OUT } from "../domain/invitation-states.js";
import { unsupportedDate } from "../domain/supported-dates.js";
import { AppError, badInput, conflict, notFound } from "../errors.js";
import { lockEmployment, lockEmploymentsOfEmployee } from "../sql/lockEmployment.js";
import type { Clock } from "./clock.js";
import { actorOf, changedEmailDetail, recordEvent, type Caller } from "./history.js";
import type { InvitationPlanner } from "./invitation-planner.js";
import type { Hire } from "./registration.service.js";
import type { TenantScope } from "./tenant-scope.js";
import type { UnitOfWork } from "./unit-of-work.js";

/**
 * The changes HR and partners make before the first day (R2, R5, R8). Each locks the employment's
 * row first, inside its transaction, and decides on what it reads then: of two changes at the same
 * moment, the second sees what the first did (a resend after a cancel answers CONFLICT). A partner's
 * key locks only its partner's hires (the scope's partner, in the locking statement): any other is
 * NOT_FOUND, as an id that does not exist (R12).
 */
export class HireService {
  constructor(
    private readonly clock: Clock,
    private readonly planner: InvitationPlanner,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async changeStartDate(scope: TenantScope, caller: Caller, employmentId: string, startDate: string): Promise<Employment> {
    const outOfRange = unsupportedDate(startDate, "startDate");
    if (outOfRange) throw badInput(outOfRange, "startDate");
    const tenant = await scope.tenant();
    const actor = actorOf(caller);
    await this.unitOfWork.run(scope, async (tx, after) => {
      const employment = await this.lockOpen(tx, employmentId);
      const now = this.clock.nowFor(tenant); // read under the lock: this change is dated after the one it waited for
      if (employment.endDate !== null && startDate > employment.endDate) {
        throw badInput(`startDate ${startDate} is after the end date ${employment.endDate}: change or withdraw the end date first (endEmployment)`, "startDate");
      }
      if (employment.startDate !== startDate) {
        await tx.manager.update(Employment, { id: employment.id, tenantId: tx.tenantId }, { startDate });
        const detail = `${employment.startDate} → ${startDate}`;
        await recordEvent(tx.manager, { tenantId: tx.tenantId, employmentId: employment.id, kind: "START_DATE_CHANGED", at: now, actor, detail });
        employment.startDate = startDate;
      }
      // the same date again re-plans from now too: a client retrying the change gets what the rules say now
      const state = await this.stateOf(tx, employment);
      if (state.user && !state.connected && startDateReplans(state.current?.status ?? null)) {
        const employee = await tx.findOne(Employee, { id: employment.employeeId });
        const context = { tenant, employment, user: state.user, email: employee!.email, now, reviewPending: employment.reviewStatus === "PENDING", actor };
        await this.planner.replan(tx.manager, context, after);
      }
    });
    return (await this.reload(scope, employmentId)).employment;
  }

  /** A new address: before sending it re-plans; after sending the old link dies and the new address gets one at once (R2, R8). */
  async changeEmail(scope: TenantScope, caller: Caller, employeeId: string, rawEmail: string): Promise<Employee> {
    const email = rawEmail.trim();
    const problem = emailAddressProblem(email); // the one address rule, as every registration's
    if (problem) throw badInput(problem, "email");
    const tenant = await scope.tenant();
    const actor = actorOf(caller);
    await this.unitOfWork.run(scope, async (tx, after) => {
      // the employments first, in id order, as every change of them does: then the employee, read as it is now
      const employments = (await lockEmploymentsOfEmployee(tx.manager, { tenantId: tx.tenantId, partner: tx.partner, employeeId })).filter((m) => m.status === "ACTIVE");
      const now = this.clock.nowFor(tenant); // read under the lock: this change is dated after the one it waited for
      const employee = await tx.findOne(Employee, { id: employeeId });
      if (!employee) throw notFound("Employee");
      if (employee.email === email) return;
      await tx.manager.update(Employee, { id: employee.id, tenantId: tx.tenantId }, { email });
      await tx.manager.update(User, { employeeId: employee.id, tenantId: tx.tenantId }, { email });
      for (const employment of employments) {
        const detail = changedEmailDetail(employee.email, email);
        await recordEvent(tx.manager, { tenantId: tx.tenantId, employmentId: employment.id, kind: "EMAIL_CHANGED", at: now, actor, detail });
      }
      if (employee.email?.toLowerCase() === email.toLowerCase()) return; // only the spelling changed
      for (const employment of employments) {
        if (closedReason(employment)) continue;
        const state = await this.stateOf(tx, employment);
        if (!state.user || state.connected) continue;
        const wentOut = state.current !== null && WENT_OUT.includes(state.current.status);
        const context = { tenant, employment, user: state.user, email, now, reviewPending: employment.reviewStatus === "PENDING", sendImmediately: wentOut, actor };
        await this.planner.replan(tx.manager, context, after);
      }
    });
    return (await scope.findOne(Employee, { id: employeeId }))!;
  }

  /** Cancels the employment: a pending invitation is never sent and a sent link stops working. Repeating it changes nothing. */
  async cancel(scope: TenantScope, caller: Caller, employmentId: string): Promise<Employment> {
    const tenant = await scope.tenant();
    await this.unitOfWork.run(scope, async (tx) => {
      const employment = await lockEmployment(tx.manager, { tenantId: tx.tenantId, partner: tx.partner, employmentId });
      if (!employment) throw notFound("Employment");
      const now = this.clock.nowFor(tenant); // read under the lock: this change is dated after the one it waited for
      if (employment.status === "CANCELLED") return;
      await tx.manager.update(Employment, { id: employment.id, tenantId: tx.tenantId }, { status: "CANCELLED", cancelledAt: now });
      await this.planner.cancelCurrent(tx.manager, employment, now);
      await recordEvent(tx.manager, { tenantId: tx.tenantId, employmentId: employment.id, kind: "CANCELLED", at: now, actor: actorOf(caller) });
    });
    return (await this.reload(scope, employmentId)).employment;
  }

  /** HR sends a fresh link now: every earlier link stops working and a new five-day window starts (R5). */
  async resend(scope: TenantScope, caller: Caller, employmentId: string): Promise<Invitation> {
    const tenant = await scope.tenant();
    const invitationId = await this.unitOfWork.run(scope, async (tx, after) => {
      const employment = await lockEmployment(tx.manager, { tenantId: tx.tenantId, partner: tx.partner, employmentId });
      if (!employment) throw notFound("Employment");
      const now = this.clock.nowFor(tenant); // read under the lock: this change is dated after the one it waited for
      const state = await this.stateOf(tx, employment);
      const employee = await tx.findOne(Employee, { id: employment.employeeId });
      const linked = state.account !== null && state.account.disconnectedAt === null;
      const refusal = resendRefusal({ ...employment, hasUser: state.user !== null, connected: linked, disconnected: state.account !== null && !linked, email: employee?.email ?? null });
      if (refusal) throw refusal.field ? new AppError("BAD_USER_INPUT", refusal.message, { field: refusal.field }) : conflict(refusal.message);
      const id = await this.planner.resend(tx.manager, employment, state.user!, employee!.email!, now, after);
      const detail = `to ${maskEmail(employee!.email!)}; every earlier link stops working`;
      await recordEvent(tx.manager, { tenantId: tx.tenantId, employmentId: employment.id, kind: "RESENT", at: now, actor: actorOf(caller), detail });
      return id;
    });
    return (await scope.findOne(Invitation, { id: invitationId }))!;
  }

  /** The employment, locked, if it is still open to changes (not cancelled, not rejected). */
  private async lockOpen(tx: TenantScope, employmentId: string): Promise<Employment> {
    const employment = await lockEmployment(tx.manager, { tenantId: tx.tenantId, partner: tx.partner, employmentId });
    if (!employment) throw notFound("Employment");
    const closed = closedReason(employment);
    if (closed) throw conflict(closed);
    return employment;
  }

  /** `connected`: the account exists, linked or not (R9: a leaver's is kept) — nothing is planned or mailed for it. */
  private async stateOf(tx: TenantScope, employment: Employment): Promise<{ user: User | null; account: ConnectAccount | null; connected: boolean; current: Invitation | null }> {
    const user = await tx.findOne(User, { employeeId: employment.employeeId });
    const account = user ? await tx.findOne(ConnectAccount, { userId: user.id }) : null;
    const current = employment.currentInvitationId ? await tx.findOne(Invitation, { id: employment.currentInvitationId }) : null;
    return { user, account, connected: account !== null, current };
  }

  private async reload(scope: TenantScope, employmentId: string): Promise<Hire> {
    const employment = await scope.findOne(Employment, { id: employmentId });
    if (!employment) throw notFound("Employment");
    const employee = (await scope.findOne(Employee, { id: employment.employeeId }))!;
    return { employee, employment };
  }
}
