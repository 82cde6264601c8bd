import { randomUUID } from "node:crypto";
import { ConnectAccount, Employee, Employment, EmploymentTemplate, Invitation, User } from "../entities/index.js";
import type { Tenant } from "../entities/tenant.js";
import { isUniqueViolation } from "../db/errors.js";
import { maskEmail } from "../domain/hire-status.js";
import { AppError, conflict, notFound } from "../errors.js";
import type { Clock } from "./clock.js";
import { actorOf, changedEmailDetail, recordEvent, registeredDetail, type Caller } from "./history.js";
import { AfterCommit } from "./invitation-jobs.js";
import type { InvitationService } from "./invitation.service.js";
import type { ReviewService } from "./review.service.js";
import type { TenantScope } from "./tenant-scope.js";

export interface NewHire {
  firstName: string;
  lastName: string;
  email?: string | null;
  startDate: string;
  employmentTemplateId: string;
  externalId?: string | null;
}

export interface Hire {
  employee: Employee;
  employment: Employment;
}

/** Registering hires and the changes HR and partners make before the first day (R1, R2, R3, R7, R8). */
export class HireService {
  constructor(
    private readonly clock: Clock,
    private readonly invitations: InvitationService,
    private readonly reviews: ReviewService,
  ) {}

  /**
   * Employee, employment and (when the template links a user template) user in one transaction,
   * then the invitation by the rules. The same externalId again returns the first hire, unchanged.
   */
  async register(scope: TenantScope, caller: Caller, input: NewHire): Promise<Hire> {
    const tenant = await scope.tenant();
    const externalId = input.externalId?.trim() || null;
    if (externalId) {
      const first = await this.firstHireOf(scope, externalId);
      if (first) return first;
    }
    const template = await scope.findOne(EmploymentTemplate, { id: input.employmentTemplateId });
    if (!template) throw notFound("Employment template");

    const now = this.clock.nowFor(tenant);
    const reviewSteps = (await this.reviews.activeSteps(scope, tenant)).length;
    const after = new AfterCommit();
    let hire: Hire;
    try {
      hire = await scope.transaction(async (tx) => {
        const email = input.email?.trim() || null;
        const [employee] = await tx.insert(Employee, [
          { id: randomUUID(), firstName: input.firstName.trim(), lastName: input.lastName.trim(), email, externalId, createdAt: now },
        ]);
        const [employment] = await tx.insert(Employment, [
          {
            id: randomUUID(),
            employeeId: employee!.id,
            templateId: template.id,
            startDate: input.startDate,
            status: "ACTIVE",
            reviewStatus: reviewSteps > 0 ? "PENDING" : "NOT_REQUIRED",
            approvedSteps: 0,
            reviewSteps,
            currentInvitationId: null,
            createdAt: now,
            cancelledAt: null,
          },
        ]);
        const user = template.userTemplateId
          ? (await tx.insert(User, [{ id: randomUUID(), employeeId: employee!.id, userTemplateId: template.userTemplateId, email, createdAt: now }]))[0]!
          : null;
        const actor = actorOf(caller);
        await recordEvent(tx.manager, {
          tenantId: scope.tenantId,
          employmentId: employment!.id,
          kind: "REGISTERED",
          at: now,
          actor,
          detail: registeredDetail({ startDate: input.startDate, email, hasUser: user !== null, reviewSteps }),
        });
        await this.invitations.plan(tx.manager, { tenant, employment: employment!, user, email, now, reviewPending: reviewSteps > 0, actor }, after);
        return { employee: employee!, employment: employment! };
      });
    } catch (error) {
      // a concurrent registration with the same externalId won the race: answer with its hire
      const winner = externalId && isUniqueViolation(error) ? await this.firstHireOf(scope, externalId) : null;
      if (winner) return winner;
      throw error;
    }
    await this.invitations.afterCommit(tenant, after);
    return this.reload(scope, hire.employment.id);
  }

  async changeStartDate(scope: TenantScope, caller: Caller, employmentId: string, startDate: string): Promise<Employment> {
    const { tenant, employment } = await this.activeEmployment(scope, employmentId);
    const now = this.clock.nowFor(tenant);
    const actor = actorOf(caller);
    const after = new AfterCommit();
    await scope.transaction(async (tx) => {
      await tx.manager.update(Employment, { id: employment.id, tenantId: scope.tenantId }, { startDate });
      if (employment.startDate !== startDate) {
        const detail = `${employment.startDate} → ${startDate}`;
        await recordEvent(tx.manager, { tenantId: scope.tenantId, employmentId: employment.id, kind: "START_DATE_CHANGED", at: now, actor, detail });
      }
      employment.startDate = startDate;
      const state = await this.stateOf(tx, employment);
      // before sending, the start date re-plans the invitation; after sending, the link stands (R8)
      if (state.user && !state.connected && (!state.current || state.current.status === "SCHEDULED" || state.current.status === "CANCELLED")) {
        const employee = await tx.findOne(Employee, { id: employment.employeeId });
        await this.invitations.plan(
          tx.manager,
          { tenant, employment, user: state.user, email: employee!.email, now, reviewPending: employment.reviewStatus === "PENDING", actor },
          after,
        );
      }
    });
    await this.invitations.afterCommit(tenant, after);
    return (await this.reload(scope, employment.id)).employment;
  }

  /** A new address: before sending it re-plans; after sending the old link dies and the new address gets one at once (R2, R8). */
  async changeEmail(scope: TenantScope, caller: Caller, employeeId: string, rawEmail: string): Promise<Employee> {
    const tenant = await scope.tenant();
    const employee = await scope.findOne(Employee, { id: employeeId });
    if (!employee) throw notFound("Employee");
    const email = rawEmail.trim();
    if (employee.email?.toLowerCase() === email.toLowerCase() && employee.email === email) return employee;

    const now = this.clock.nowFor(tenant);
    const actor = actorOf(caller);
    const after = new AfterCommit();
    await scope.transaction(async (tx) => {
      await tx.manager.update(Employee, { id: employee.id, tenantId: scope.tenantId }, { email });
      await tx.manager.update(User, { employeeId: employee.id, tenantId: scope.tenantId }, { email });
      const employments = await tx.find(Employment, { employeeId: employee.id, status: "ACTIVE" });
      for (const employment of employments) {
        const detail = changedEmailDetail(employee.email, email);
        await recordEvent(tx.manager, { tenantId: scope.tenantId, employmentId: employment.id, kind: "EMAIL_CHANGED", at: now, actor, detail });
      }
      if (employee.email?.toLowerCase() === email.toLowerCase()) return; // only the spelling changed
      for (const employment of employments) {
        if (employment.reviewStatus === "REJECTED") continue;
        const state = await this.stateOf(tx, employment);
        if (!state.user || state.connected) continue;
        const wasSent = state.current !== null && ["SENDING", "SENT", "EXPIRED"].includes(state.current.status);
        await this.invitations.plan(
          tx.manager,
          { tenant, employment, user: state.user, email, now, reviewPending: employment.reviewStatus === "PENDING", sendImmediately: wasSent, actor },
          after,
        );
      }
    });
    await this.invitations.afterCommit(tenant, after);
    return (await scope.findOne(Employee, { id: employee.id }))!;
  }

  /** Cancels the employment: a pending invitation is never sent and a sent link stops working. Repeating it changes nothing. */
  async cancel(scope: TenantScope, caller: Caller, employmentId: string): Promise<Employment> {
    const tenant = await scope.tenant();
    const employment = await scope.findOne(Employment, { id: employmentId });
    if (!employment) throw notFound("Employment");
    if (employment.status === "CANCELLED") return employment;
    const now = this.clock.nowFor(tenant);
    await scope.transaction(async (tx) => {
      const cancelled = await tx.manager.update(Employment, { id: employment.id, tenantId: scope.tenantId, status: "ACTIVE" }, { status: "CANCELLED", cancelledAt: now });
      if (cancelled.affected !== 1) return; // cancelled by someone else a moment ago
      await this.invitations.replaceCurrent(tx.manager, employment, now);
      await recordEvent(tx.manager, { tenantId: scope.tenantId, employmentId: employment.id, kind: "CANCELLED", at: now, actor: actorOf(caller) });
    });
    return (await this.reload(scope, employment.id)).employment;
  }

  /** HR sends a fresh link now: every earlier link stops working and a new five-day window starts (R5). */
  async resend(scope: TenantScope, caller: Caller, employmentId: string): Promise<Invitation> {
    const { tenant, employment } = await this.activeEmployment(scope, employmentId);
    if (employment.reviewStatus === "PENDING") throw conflict("The employment waits for its final approval; the invitation goes out after it");
    const now = this.clock.nowFor(tenant);
    const after = new AfterCommit();
    await scope.transaction(async (tx) => {
      const state = await this.stateOf(tx, employment);
      if (!state.user) throw conflict("This hire has no user: the employment template links no user template");
      if (state.connected) throw conflict("The hire's account is already connected");
      const employee = await tx.findOne(Employee, { id: employment.employeeId });
      if (!employee?.email) throw new AppError("BAD_USER_INPUT", "The hire has no e-mail address: add one with changeEmail", { field: "email" });
      await this.invitations.resend(tx.manager, employment, state.user, employee.email, now, after);
      const detail = `to ${maskEmail(employee.email)}; every earlier link stops working`;
      await recordEvent(tx.manager, { tenantId: scope.tenantId, employmentId: employment.id, kind: "RESENT", at: now, actor: actorOf(caller), detail });
    });
    await this.invitations.afterCommit(tenant, after);
    return (await scope.findOne(Invitation, { id: after.sendNow[0]! }))!;
  }

  private async activeEmployment(scope: TenantScope, employmentId: string): Promise<{ tenant: Tenant; employment: Employment }> {
    const tenant = await scope.tenant();
    const employment = await scope.findOne(Employment, { id: employmentId });
    if (!employment) throw notFound("Employment");
    if (employment.status === "CANCELLED") throw conflict("The employment is cancelled");
    if (employment.reviewStatus === "REJECTED") throw conflict("The employment was rejected");
    return { tenant, employment };
  }

  private async stateOf(scope: TenantScope, employment: Employment): Promise<{ user: User | null; connected: boolean; current: Invitation | null }> {
    const user = await scope.findOne(User, { employeeId: employment.employeeId });
    const connected = user ? (await scope.findOne(ConnectAccount, { userId: user.id })) !== null : false;
    const current = employment.currentInvitationId ? await scope.findOne(Invitation, { id: employment.currentInvitationId }) : null;
    return { user, connected, current };
  }

  private async firstHireOf(scope: TenantScope, externalId: string): Promise<Hire | null> {
    const employee = await scope.findOne(Employee, { externalId });
    if (!employee) return null;
    const [employment] = await scope.query(Employment, "m").andWhere("m.employeeId = :id", { id: employee.id }).orderBy("m.createdAt", "ASC").limit(1).getMany();
    return employment ? { employee, employment } : null;
  }

  private async reload(scope: TenantScope, employmentId: string): Promise<Hire> {
    const employment = (await scope.findOne(Employment, { id: employmentId }))!;
    const employee = (await scope.findOne(Employee, { id: employment.employeeId }))!;
    return { employee, employment };
  }
}
