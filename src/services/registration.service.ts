import { randomUUID } from "node:crypto";
import { In } from "typeorm";
import { isUniqueViolation } from "../db/errors.js";
import { checkHireRow, isHireRowProblem, type CheckedHireRow } from "../domain/hire-row.js";
import { connectStatusOf } from "../domain/hire-status.js";
import { sendScheduleFor } from "../domain/invitation-policy.js";
import { hasNul } from "../domain/input-text.js";
import { ConnectAccount, Employee, Employment, EmploymentTemplate, Invitation, User } from "../entities/index.js";
import { badInput, notFound } from "../errors.js";
import type { Logger } from "../log.js";
import type { Clock } from "./clock.js";
import { closedReason } from "../domain/invitation-states.js";
import { insertMany } from "../sql/insertMany.js";
import { lockEmploymentsOfEmployee } from "../sql/lockEmployment.js";
import { actorOf, recordEvent, recordEvents, registeredDetail, type Caller, type NewEmploymentEvent } from "./history.js";
import { AfterCommit } from "./invitation-jobs.js";
import type { InvitationPlanner } from "./invitation-planner.js";
import type { LeaverService } from "./leaver.service.js";
import type { ReviewService } from "./review.service.js";
import type { TenantScope } from "./tenant-scope.js";
import type { UnitOfWork } from "./unit-of-work.js";

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

/** A checked row; `employeeId`: a new employment of that employee (addEmployment), not a new hire. */
export type HireRow = CheckedHireRow<EmploymentTemplate> & { employeeId?: string };

/** addEmployment's input: another employment of an existing employee (R9). */
export interface NewEmployment {
  startDate: string;
  employmentTemplateId: string;
}

/** What registering one row did: `created` by this call, or the first hire of its externalId (registered before, or by a concurrent call). */
export interface Registered extends Hire {
  created: boolean;
}

/** Rows written in one transaction: big enough for multi-row INSERTs, small enough to keep transactions short. */
const CHUNK = 500;

/**
 * The one registration path (R1–R3, R7): registerHire (one row), importHires and the CSV file (many)
 * all come here with rows checked by src/domain/hire-row.ts. Employee, employment, user (when the
 * template links a user template) and the invitation's plan are inserted together, many rows per
 * statement; a known externalId is the first hire, unchanged, and sends nothing. A partner's key
 * registers the partner's hires (Employee.registeredByPartner, from its TenantScope): R12.
 */
export class RegistrationService {
  constructor(
    private readonly clock: Clock,
    private readonly planner: InvitationPlanner,
    private readonly reviews: ReviewService,
    private readonly unitOfWork: UnitOfWork,
    private readonly leavers: LeaverService,
    private readonly log: Logger,
  ) {}

  /** registerHire: the row's problems are the caller's errors; the same externalId again returns the first hire. */
  async registerOne(scope: TenantScope, caller: Caller, input: NewHire): Promise<Hire> {
    // an id the row check refuses (a NUL) is never looked up
    const templates = hasNul(input.employmentTemplateId) ? [] : await scope.find(EmploymentTemplate, { id: input.employmentTemplateId });
    const row = checkHireRow({ ...input, employmentTemplate: input.employmentTemplateId }, templates, "employmentTemplateId");
    if (isHireRowProblem(row)) throw row.unknownTemplate ? notFound("Employment template") : badInput(row.message, row.field);
    const [registered] = await this.register(scope, caller, [row]);
    return registered!;
  }

  /**
   * addEmployment (R9): another employment of an existing employee, through the same path and row
   * rules as a registration (the employee's own name and address fill the row). An employee whose
   * Connect account exists is re-linked to it (EXISTING_ACCOUNT, no mail); one without is invited by
   * the usual rules. NOT_FOUND for an employee the caller may not see (R12).
   */
  async addEmployment(scope: TenantScope, caller: Caller, employeeId: string, input: NewEmployment): Promise<Hire> {
    const employee = hasNul(employeeId) ? null : await scope.findOne(Employee, { id: employeeId });
    if (!employee) throw notFound("Employee");
    const templates = hasNul(input.employmentTemplateId) ? [] : await scope.find(EmploymentTemplate, { id: input.employmentTemplateId });
    const given = { firstName: employee.firstName, lastName: employee.lastName, email: employee.email, startDate: input.startDate, employmentTemplate: input.employmentTemplateId };
    const row = checkHireRow(given, templates, "employmentTemplateId");
    if (isHireRowProblem(row)) throw row.unknownTemplate ? notFound("Employment template") : badInput(row.message, row.field);
    const [added] = await this.register(scope, caller, [{ ...row, employeeId }]);
    return added!;
  }

  /**
   * Registers checked rows, in their order; the result has one entry per row. `bulk` (imports): the
   * sends go to the job store as one job per send time, after everything is written.
   */
  async register(scope: TenantScope, caller: Caller, rows: HireRow[], options: { bulk?: boolean } = {}): Promise<Registered[]> {
    const tenant = await scope.tenant();
    const results = new Array<Registered | undefined>(rows.length);
    // a known externalId, or one repeated among the rows, is the first hire
    const first = await this.firstHires(scope, rows.map((r) => r.externalId).filter((id): id is string => id !== null));
    // one person, one account (R9): an address of an employee with a Connect account is a rehire of that employee
    const accountHolders = await this.accountHolders(scope, rows.filter((r) => !r.employeeId && !(r.externalId && first.has(r.externalId))).map((r) => r.email));
    const fresh: number[] = [];
    const rehires: { index: number; employeeId: string; byAddress: boolean }[] = [];
    const seen = new Set<string>();
    rows.forEach((row, i) => {
      const known = row.externalId ? first.get(row.externalId) : undefined;
      if (known) results[i] = { ...known, created: false };
      else if (row.externalId && seen.has(row.externalId)) return; // filled in below, from the first row with it
      else {
        if (row.externalId) seen.add(row.externalId);
        const holder = row.email ? accountHolders.get(row.email.toLowerCase()) : undefined;
        if (row.employeeId) rehires.push({ index: i, employeeId: row.employeeId, byAddress: false });
        else if (holder) rehires.push({ index: i, employeeId: holder, byAddress: true });
        else fresh.push(i);
      }
    });

    const after = new AfterCommit(options.bulk);
    const removals: Date[] = []; // R9: removals planned by end dates given at registration
    try {
      for (const { index, employeeId, byAddress } of rehires) {
        const row = rows[index]!;
        const added = await this.unitOfWork.run(scope, (tx, queued) => this.addToEmployee(tx, caller, row, employeeId, byAddress, queued, removals), { into: after });
        // the employee's address changed meanwhile: no longer a rehire, a new hire
        results[index] = added ?? (await this.writeChunk(scope, caller, [row], after, removals))[0];
      }
      for (let i = 0; i < fresh.length; i += CHUNK) {
        const chunk = fresh.slice(i, i + CHUNK);
        const written = await this.writeChunk(scope, caller, chunk.map((index) => rows[index]!), after, removals);
        chunk.forEach((index, j) => (results[index] = written[j]));
      }
    } finally {
      await this.unitOfWork.flush(tenant, after); // what did commit is sent (or scheduled), even if a later chunk failed
      // a removal already due is carried out now (a connected leaver), later ones are jobs; an instant of a chunk that rolled back plans nothing real
      if (removals.length) await this.leavers.afterPlanned(tenant, removals, this.clock.nowFor(tenant));
    }
    const byExternalId = new Map<string, Registered>();
    rows.forEach((row, i) => {
      const result = results[i];
      if (row.externalId && result && !byExternalId.has(row.externalId)) byExternalId.set(row.externalId, result);
      if (!result) results[i] = { ...byExternalId.get(row.externalId!)!, created: false };
    });
    return results as Registered[];
  }

  /** One transaction of multi-row INSERTs; if a concurrent registration took one of the externalIds meanwhile, row by row instead. */
  private async writeChunk(scope: TenantScope, caller: Caller, rows: HireRow[], into: AfterCommit, removals: Date[]): Promise<Registered[]> {
    try {
      return await this.unitOfWork.run(scope, (tx, after) => this.insertRows(tx, caller, rows, after, removals), { into });
    } catch (error) {
      if (!isUniqueViolation(error) || rows.every((row) => !row.externalId)) throw error;
    }
    this.log.info({ tenantId: scope.tenantId, rows: rows.length }, "registrations raced another with the same externalId; writing them one by one");
    const written: Registered[] = [];
    for (const row of rows) {
      try {
        written.push((await this.unitOfWork.run(scope, (tx, after) => this.insertRows(tx, caller, [row], after, removals), { into }))[0]!);
      } catch (error) {
        const winner = row.externalId && isUniqueViolation(error) ? (await this.firstHires(scope, [row.externalId])).get(row.externalId) : undefined;
        if (!winner) throw error;
        written.push({ ...winner, created: false }); // the concurrent registration created it, not this one
      }
    }
    return written;
  }

  /** Inserts the rows' employees, employments, users, invitations or accounts and events, a statement per table. */
  private async insertRows(tx: TenantScope, caller: Caller, rows: HireRow[], after: AfterCommit, removals: Date[]): Promise<Registered[]> {
    const tenant = await tx.tenant();
    const now = this.clock.nowFor(tenant);
    const actor = actorOf(caller);
    const reviewSteps = (await this.reviews.activeSteps(tx, tenant)).length;
    const verifiedDomains = await this.planner.verifiedDomains(tx.manager, tenant.id);
    const schedule = sendScheduleFor(tenant.timeZone, now);
    const employees: Employee[] = [];
    const employments: Employment[] = [];
    const users: User[] = [];
    const invitations: Invitation[] = [];
    const accounts: ConnectAccount[] = [];
    const events: NewEmploymentEvent[] = [];
    const ended: { employment: Employment; endDate: string; userTemplateId: string | null }[] = [];
    for (const row of rows) {
      const employee = Object.assign(new Employee(), {
        id: randomUUID(),
        tenantId: tenant.id,
        firstName: row.firstName,
        lastName: row.lastName,
        email: row.email,
        externalId: row.externalId,
        registeredByPartner: tx.partner ?? "", // R12: whose hire it is, for good
        createdAt: now,
      });
      const employment = newEmployment(tenant.id, employee.id, row, reviewSteps, now);
      const user = row.template.userTemplateId
        ? Object.assign(new User(), { id: randomUUID(), tenantId: tenant.id, employeeId: employee.id, userTemplateId: row.template.userTemplateId, email: row.email, createdAt: now })
        : null;
      const plan = this.planner.planNew({ tenant, employment, user, email: row.email, now, reviewPending: reviewSteps > 0, actor, verifiedDomains, schedule }, after);
      // what every event of this registration carries: the hire as the transaction leaves it, known without a read
      const connectStatus = connectStatusOf(
        { employmentStatus: "ACTIVE", reviewStatus: employment.reviewStatus, hasUser: user !== null, email: row.email, connected: plan.account !== null, invitation: plan.invitation },
        now,
      );
      const snapshot = { employeeId: employee.id, externalId: employee.externalId ?? null, connectStatus };
      events.push({
        tenantId: tenant.id,
        employmentId: employment.id,
        kind: "REGISTERED",
        at: now,
        actor,
        detail: registeredDetail({ startDate: row.startDate, email: row.email, hasUser: user !== null, reviewSteps }),
        snapshot,
      });
      if (plan.invitation) invitations.push(plan.invitation);
      if (plan.account) accounts.push(plan.account);
      events.push(...plan.events.map((event) => ({ ...event, snapshot })));
      employees.push(employee);
      employments.push(employment);
      if (user) users.push(user);
      if (row.endDate) ended.push({ employment, endDate: row.endDate, userTemplateId: row.template.userTemplateId });
    }
    const m = tx.manager;
    const endings = await this.leavers.planAtRegistration(m, tenant.id, ended, now, actor); // R9: as endEmployment right after
    events.push(...endings.events);
    removals.push(...endings.instants);
    await insertMany(m, Employee, employees);
    await insertMany(m, Employment, employments);
    await insertMany(m, User, users);
    await insertMany(m, Invitation, invitations);
    await insertMany(m, ConnectAccount, accounts);
    await recordEvents(m, events);
    return employments.map((employment, i) => ({ employee: employees[i]!, employment, created: true }));
  }

  /**
   * A new employment of an existing employee (addEmployment, or a registration with the address of an
   * employee whose Connect account exists: `byAddress`), in `tx`'s transaction. Locks the employee's
   * employments first, as every change of the employee does, and decides on what it reads then.
   * The employee's user is the person's: kept, or created if the template links a user template
   * (R1). A user with a Connect account is re-linked to it now, or at the final approval under a
   * review flow (R9); without one the employment is planned as a new hire's (R3, R7). An active
   * employment with the same start date and template is the same employment again (a retried
   * request): returned, unchanged. null: `byAddress` and the employee no longer has that address.
   */
  private async addToEmployee(tx: TenantScope, caller: Caller, row: HireRow, employeeId: string, byAddress: boolean, after: AfterCommit, removals: Date[]): Promise<Registered | null> {
    const existing = await lockEmploymentsOfEmployee(tx.manager, { tenantId: tx.tenantId, partner: tx.partner, employeeId });
    const employee = existing.length ? await tx.findOne(Employee, { id: employeeId }) : null;
    if (byAddress && employee?.email?.toLowerCase() !== row.email?.toLowerCase()) return null;
    if (!employee) throw notFound("Employee");
    const tenant = await tx.tenant();
    const now = this.clock.nowFor(tenant); // read under the lock: dated after the change it waited for
    const again = existing.find((m) => !closedReason(m) && m.startDate === row.startDate && m.templateId === row.template.id);
    if (again) return { employee, employment: again, created: false };

    const actor = actorOf(caller);
    let user = await tx.findOne(User, { employeeId });
    if (!user && row.template.userTemplateId) {
      user = Object.assign(new User(), { id: randomUUID(), tenantId: tenant.id, employeeId, userTemplateId: row.template.userTemplateId, email: employee.email, createdAt: now });
      await tx.manager.insert(User, user);
    }
    const reviewSteps = (await this.reviews.activeSteps(tx, tenant)).length;
    // after every earlier one, also on a sandbox's standing clock: an employee's employments read back in
    // the order they were added, and the newest active one decides the account (accountStatus)
    const createdAt = new Date(Math.max(now.getTime(), ...existing.map((m) => m.createdAt.getTime() + 1)));
    const employment = newEmployment(tenant.id, employeeId, row, reviewSteps, createdAt);
    const account = user ? await this.planner.existingAccountLocked(tx.manager, user) : null; // R9: a removal of its link waits, or is waited for
    const plan = account
      ? { invitation: null, account: null, events: [] }
      : this.planner.planNew(
          { tenant, employment, user, email: employee.email, now, reviewPending: reviewSteps > 0, actor, verifiedDomains: await this.planner.verifiedDomains(tx.manager, tenant.id) },
          after,
        );
    // R9: an end date given with the row, as endEmployment right after (sets endDate and disconnectAt before the insert)
    const endings = row.endDate
      ? await this.leavers.planAtRegistration(tx.manager, tenant.id, [{ employment, endDate: row.endDate, userTemplateId: row.template.userTemplateId }], now, actor)
      : { events: [], instants: [] };
    await tx.manager.insert(Employment, employment);
    const registered = registeredDetail({ startDate: row.startDate, email: employee.email, hasUser: user !== null, reviewSteps });
    const how = byAddress ? "a rehire: the address of an employee with a Connect account" : "another employment of the employee";
    await recordEvent(tx.manager, { tenantId: tenant.id, employmentId: employment.id, kind: "REGISTERED", at: now, actor, detail: `${registered}; ${how}` });
    if (plan.invitation) await tx.manager.insert(Invitation, plan.invitation);
    if (plan.account) await tx.manager.insert(ConnectAccount, plan.account);
    await recordEvents(tx.manager, plan.events);
    if (account && reviewSteps === 0) await this.planner.relink(tx.manager, account, now, { employmentId: employment.id, actor });
    await recordEvents(tx.manager, endings.events);
    removals.push(...endings.instants);
    return { employee, employment, created: true };
  }

  /**
   * Of these addresses, each one's employee (the first registered) visible to the scope (R12: a
   * partner's own hires; HR's every hire) whose user has a Connect account — linked, or with its
   * link removed. Keyed by the lower-case address.
   */
  private async accountHolders(scope: TenantScope, emails: (string | null)[]): Promise<Map<string, string>> {
    const holders = new Map<string, string>();
    const wanted = [...new Set(emails.filter((e): e is string => !!e).map((e) => e.toLowerCase()))];
    for (let i = 0; i < wanted.length; i += 1000) {
      const rows = await scope
        .query(Employee, "e")
        .select("e.id", "id")
        .addSelect("e.email", "email")
        .innerJoin(User, "u", "u.employeeId = e.id AND u.tenantId = e.tenantId")
        .innerJoin(ConnectAccount, "a", "a.userId = u.id AND a.tenantId = e.tenantId")
        .andWhere("LOWER(e.email) IN (:...emails)", { emails: wanted.slice(i, i + 1000) })
        .orderBy("e.createdAt", "ASC")
        .addOrderBy("e.id", "ASC")
        .getRawMany<{ id: string; email: string }>();
      for (const row of rows) if (!holders.has(row.email.toLowerCase())) holders.set(row.email.toLowerCase(), row.id);
    }
    return holders;
  }

  /**
   * The first hire (oldest employment) of each known externalId, in two queries per 1 000 ids. An
   * externalId is the registrant's own (the unique key of Employee): HR's ids are HR's hires, a
   * partner's its own. So a partner that sends an id HR or another partner used registers a new hire,
   * and learns nothing of theirs (R12); and HR, who sees every hire, still finds only HR's.
   */
  private async firstHires(scope: TenantScope, externalIds: string[]): Promise<Map<string, Hire>> {
    const first = new Map<string, Hire>();
    const ids = [...new Set(externalIds)];
    const registeredByPartner = scope.partner ?? "";
    for (let i = 0; i < ids.length; i += 1000) {
      const employees = await scope.find(Employee, { externalId: In(ids.slice(i, i + 1000)), registeredByPartner });
      if (!employees.length) continue;
      const byId = new Map(employees.map((e) => [e.id, e]));
      const employments = await scope.query(Employment, "m").andWhere("m.employeeId IN (:...ids)", { ids: [...byId.keys()] }).orderBy("m.createdAt", "ASC").getMany();
      for (const employment of employments) {
        const employee = byId.get(employment.employeeId)!;
        if (!first.has(employee.externalId!)) first.set(employee.externalId!, { employee, employment });
      }
    }
    return first;
  }
}

/** A new ACTIVE employment of a row: in review when the tenant's flow has steps, no invitation yet, no end date. */
function newEmployment(tenantId: string, employeeId: string, row: HireRow, reviewSteps: number, createdAt: Date): Employment {
  return Object.assign(new Employment(), {
    id: randomUUID(),
    tenantId,
    employeeId,
    templateId: row.template.id,
    startDate: row.startDate,
    status: "ACTIVE",
    reviewStatus: reviewSteps > 0 ? "PENDING" : "NOT_REQUIRED",
    approvedSteps: 0,
    reviewSteps,
    currentInvitationId: null,
    createdAt,
    cancelledAt: null,
    endDate: null,
    disconnectAt: null,
  });
}
