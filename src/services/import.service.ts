import { randomUUID } from "node:crypto";
import { isEmail } from "class-validator";
import { DateTime } from "luxon";
import { In } from "typeorm";
import { planInvitation } from "../domain/invitation-policy.js";
import { ConnectAccount, Employee, Employment, EmploymentTemplate, Invitation, User } from "../entities/index.js";
import type { Tenant } from "../entities/tenant.js";
import { isUniqueViolation } from "../db/errors.js";
import type { Logger } from "../log.js";
import type { CatalogService } from "./catalog.service.js";
import type { Clock } from "./clock.js";
import type { HireService } from "./hire.service.js";
import {
  actorOf,
  connectedDetail,
  plannedDetail,
  recordEvents,
  registeredDetail,
  type Caller,
  type NewEmploymentEvent,
} from "./history.js";
import { AfterCommit } from "./invitation-jobs.js";
import { newInvitation, type InvitationService } from "./invitation.service.js";
import type { ReviewService } from "./review.service.js";
import type { TenantScope } from "./tenant-scope.js";

/** One row of an import, as given (CSV cells or GraphQL input): nothing is trusted yet. */
export interface ImportRow {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  startDate?: string | null;
  /** An employment template's id or name. */
  employmentTemplate?: string | null;
  externalId?: string | null;
}

export interface ImportRowError {
  /** 1-based position of the row in the whole import. */
  row: number;
  field: string | null;
  message: string;
}

export interface ImportReport {
  created: number;
  unchanged: number;
  failed: number;
  errors: ImportRowError[];
  /** The employment of each created or unchanged row, in row order. */
  employments: Employment[];
}

export interface ImportOptions {
  /** The name the caller knows the template column by (GraphQL: employmentTemplateId). */
  templateField?: string;
  /** Who imports: recorded in each hire's history. */
  caller: Caller;
}

/** Rows written in one transaction: big enough for multi-row INSERTs, small enough to keep transactions short. */
const CHUNK = 500;

interface ValidRow {
  row: number;
  firstName: string;
  lastName: string;
  email: string | null;
  startDate: string;
  template: EmploymentTemplate;
  externalId: string | null;
}

/**
 * Registers many hires at once with the same rules as registerHire: every good row is saved, every
 * bad one reported (1-based row, field, message), none half-saved; a known externalId is
 * `unchanged`. Rows are checked first, then written in chunks with multi-row INSERTs, and the
 * sends go to the job store as one job per send time.
 */
export class ImportService {
  constructor(
    private readonly clock: Clock,
    private readonly catalog: CatalogService,
    private readonly reviews: ReviewService,
    private readonly invitations: InvitationService,
    private readonly hires: HireService,
    private readonly log: Logger,
  ) {}

  /** `firstRow` is the 1-based number of rows[0] in the whole import (for the error report). */
  async importRows(scope: TenantScope, rows: ImportRow[], firstRow: number, options: ImportOptions): Promise<ImportReport> {
    const tenant = await scope.tenant();
    const templates = await scope.find(EmploymentTemplate);
    const errors: ImportRowError[] = [];
    const valid: ValidRow[] = [];
    rows.forEach((row, index) => {
      const checked = this.check(row, firstRow + index, templates, options.templateField ?? "employmentTemplate");
      if ("message" in checked) errors.push(checked);
      else valid.push(checked);
    });

    // a known externalId, or one repeated within the import, is the first hire: unchanged
    const known = await this.knownExternalIds(scope, valid);
    const fresh: ValidRow[] = [];
    const unchanged: { row: number; externalId: string }[] = [];
    for (const row of valid) {
      if (row.externalId && known.has(row.externalId)) unchanged.push({ row: row.row, externalId: row.externalId });
      else {
        if (row.externalId) known.set(row.externalId, null);
        fresh.push(row);
      }
    }

    const { caller } = options;
    const after = new AfterCommit();
    const created = new Map<number, Employment>();
    for (let i = 0; i < fresh.length; i += CHUNK) {
      for (const [row, employment] of await this.writeChunk(scope, tenant, caller, fresh.slice(i, i + CHUNK), after)) created.set(row, employment);
    }
    await this.invitations.afterCommit(tenant, after, { bulk: true });

    const firstHires = await this.firstEmployments(scope, unchanged.map((u) => u.externalId));
    const employments = [...created.entries(), ...unchanged.map((u) => [u.row, firstHires.get(u.externalId)] as const)]
      .filter((entry): entry is [number, Employment] => entry[1] !== undefined)
      .sort(([a], [b]) => a - b)
      .map(([, employment]) => employment);
    return { created: created.size, unchanged: unchanged.length, failed: errors.length, errors, employments };
  }

  private check(row: ImportRow, number: number, templates: EmploymentTemplate[], templateField: string): ValidRow | ImportRowError {
    const fail = (field: string, message: string): ImportRowError => ({ row: number, field, message });
    const text = (value: string | null | undefined) => (typeof value === "string" ? value.trim() : "");
    const firstName = text(row.firstName);
    const lastName = text(row.lastName);
    const email = text(row.email) || null;
    const startDate = text(row.startDate);
    const templateKey = text(row.employmentTemplate);
    const externalId = text(row.externalId) || null;

    if (!firstName) return fail("firstName", "firstName must not be empty");
    if (firstName.length > 100) return fail("firstName", "firstName must be at most 100 characters");
    if (!lastName) return fail("lastName", "lastName must not be empty");
    if (lastName.length > 100) return fail("lastName", "lastName must be at most 100 characters");
    if (email && (email.length > 254 || !isEmail(email))) return fail("email", `"${email.slice(0, 80)}" is not an e-mail address`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || !DateTime.fromISO(startDate).isValid) {
      return fail("startDate", `startDate must be a calendar date YYYY-MM-DD (got "${startDate.slice(0, 40)}")`);
    }
    if (!templateKey) return fail(templateField, `${templateField} must name an employment template`);
    const template =
      templates.find((t) => t.id === templateKey) ?? templates.find((t) => t.name.toLowerCase() === templateKey.toLowerCase());
    if (!template) return fail(templateField, `No employment template "${templateKey.slice(0, 100)}"`);
    if (externalId && externalId.length > 100) return fail("externalId", "externalId must be at most 100 characters");
    return { row: number, firstName, lastName, email, startDate, template, externalId };
  }

  private async knownExternalIds(scope: TenantScope, rows: ValidRow[]): Promise<Map<string, string | null>> {
    const ids = [...new Set(rows.map((r) => r.externalId).filter((id): id is string => id !== null))];
    const known = new Map<string, string | null>();
    for (let i = 0; i < ids.length; i += 1000) {
      for (const e of await scope.find(Employee, { externalId: In(ids.slice(i, i + 1000)) })) known.set(e.externalId!, e.id);
    }
    return known;
  }

  /** One transaction of multi-row INSERTs; if a concurrent import took an externalId meanwhile, row by row instead. */
  private async writeChunk(scope: TenantScope, tenant: Tenant, caller: Caller, rows: ValidRow[], after: AfterCommit): Promise<[number, Employment][]> {
    const now = this.clock.nowFor(tenant);
    const actor = actorOf(caller);
    const reviewSteps = (await this.reviews.activeSteps(scope, tenant)).length;
    const verifiedDomains = await this.catalog.verifiedDomains(scope);
    const employees: Employee[] = [];
    const employments: Employment[] = [];
    const users: User[] = [];
    const invitations: Invitation[] = [];
    const accounts: ConnectAccount[] = [];
    const events: NewEmploymentEvent[] = [];
    const chunkAfter = new AfterCommit();
    for (const row of rows) {
      const employee = Object.assign(new Employee(), {
        id: randomUUID(),
        tenantId: tenant.id,
        firstName: row.firstName,
        lastName: row.lastName,
        email: row.email,
        externalId: row.externalId,
        createdAt: now,
      });
      const employment = Object.assign(new Employment(), {
        id: randomUUID(),
        tenantId: tenant.id,
        employeeId: employee.id,
        templateId: row.template.id,
        startDate: row.startDate,
        status: "ACTIVE",
        reviewStatus: reviewSteps > 0 ? "PENDING" : "NOT_REQUIRED",
        approvedSteps: 0,
        reviewSteps,
        currentInvitationId: null as string | null,
        createdAt: now,
        cancelledAt: null,
      });
      const user = row.template.userTemplateId
        ? Object.assign(new User(), { id: randomUUID(), tenantId: tenant.id, employeeId: employee.id, userTemplateId: row.template.userTemplateId, email: row.email, createdAt: now })
        : null;
      const plan = planInvitation({
        startDate: row.startDate,
        email: row.email,
        hasUser: user !== null,
        timeZone: tenant.timeZone,
        verifiedDomains,
        reviewPending: reviewSteps > 0,
        now,
      });
      const event = (kind: NewEmploymentEvent["kind"], detail: string) => ({ tenantId: tenant.id, employmentId: employment.id, kind, at: now, actor, detail });
      events.push(event("REGISTERED", registeredDetail({ startDate: row.startDate, email: row.email, hasUser: user !== null, reviewSteps })));
      if (plan.action === "SEND_NOW" || plan.action === "SEND_LATER") {
        const invitation = newInvitation(employment, user!, row.email!, plan.sendAt!, now);
        employment.currentInvitationId = invitation.id;
        invitations.push(invitation);
        if (plan.action === "SEND_NOW") chunkAfter.sendNow.push(invitation.id);
        else chunkAfter.sendLater.push({ invitationId: invitation.id, at: plan.sendAt! });
        events.push(event("PLANNED", plannedDetail(plan.action, plan.sendAt!, row.email!)));
      } else if (plan.action === "CONNECT_NOW") {
        accounts.push(
          Object.assign(new ConnectAccount(), { id: randomUUID(), tenantId: tenant.id, userId: user!.id, email: row.email!, method: "VERIFIED_DOMAIN", createdAt: now }),
        );
        events.push(event("CONNECTED", connectedDetail("VERIFIED_DOMAIN", row.email!)));
      }
      employees.push(employee);
      employments.push(employment);
      if (user) users.push(user);
    }
    try {
      await scope.transaction(async (tx) => {
        const m = tx.manager;
        await m.insert(Employee, employees);
        await m.insert(Employment, employments);
        if (users.length) await m.insert(User, users);
        if (invitations.length) await m.insert(Invitation, invitations);
        if (accounts.length) await m.insert(ConnectAccount, accounts);
        await recordEvents(m, events);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      this.log.info({ tenantId: tenant.id, rows: rows.length }, "import chunk raced another registration; writing it row by row");
      return this.writeRowByRow(scope, caller, rows);
    }
    after.sendNow.push(...chunkAfter.sendNow);
    after.sendLater.push(...chunkAfter.sendLater);
    return rows.map((row, i) => [row.row, employments[i]!]);
  }

  private async writeRowByRow(scope: TenantScope, caller: Caller, rows: ValidRow[]): Promise<[number, Employment][]> {
    const written: [number, Employment][] = [];
    for (const row of rows) {
      const hire = await this.hires.register(scope, caller, { ...row, employmentTemplateId: row.template.id });
      written.push([row.row, hire.employment]);
    }
    return written;
  }

  /** The first employment of each known externalId, in two queries. */
  private async firstEmployments(scope: TenantScope, externalIds: string[]): Promise<Map<string, Employment>> {
    const first = new Map<string, Employment>();
    const ids = [...new Set(externalIds)];
    for (let i = 0; i < ids.length; i += 1000) {
      const employees = await scope.find(Employee, { externalId: In(ids.slice(i, i + 1000)) });
      if (!employees.length) continue;
      const byEmployee = new Map(employees.map((e) => [e.id, e.externalId!]));
      const employments = await scope
        .query(Employment, "m")
        .andWhere("m.employeeId IN (:...ids)", { ids: [...byEmployee.keys()] })
        .orderBy("m.createdAt", "ASC")
        .getMany();
      for (const employment of employments) {
        const externalId = byEmployee.get(employment.employeeId)!;
        if (!first.has(externalId)) first.set(externalId, employment);
      }
    }
    return first;
  }
}
