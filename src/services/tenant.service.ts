import { randomBytes, randomUUID } from "node:crypto";
import { IANAZone } from "luxon";
import type { DataSource } from "typeorm";
import { unsupportedInstant } from "../domain/supported-dates.js";
import { Tenant } from "../entities/tenant.js";
import { badInput, notFound } from "../errors.js";
import type { ApiKeyService } from "./api-key.service.js";
import type { Clock } from "./clock.js";
import { inTransaction } from "../db/transaction.js";
import type { LeaverService } from "./leaver.service.js";
import type { ReminderDispatch } from "./reminder-dispatch.js";

export const DEFAULT_TIME_ZONE = "Europe/Stockholm";

/** 128 random bits, hex: what a tenant's DNS proofs of its domains carry (R12). */
export const newDomainVerificationToken = () => randomBytes(16).toString("hex");

export interface NewTenant {
  name: string;
  timeZone?: string | null;
  hasEmployeeLicense?: boolean | null;
  sandbox?: boolean | null;
  clockStart?: Date | null;
}

export class TenantService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly apiKeys: ApiKeyService,
    private readonly leavers: LeaverService,
    private readonly reminders: ReminderDispatch,
  ) {}

  /** A new customer company and its first HR_ADMIN key, in one transaction. */
  async create(input: NewTenant): Promise<{ tenant: Tenant; adminApiKey: string }> {
    const name = input.name.trim();
    if (!name) throw badInput("name must not be empty", "name");
    const timeZone = input.timeZone?.trim() || DEFAULT_TIME_ZONE;
    if (!IANAZone.isValidZone(timeZone)) {
      throw badInput(`timeZone must be an IANA time zone name such as Europe/Stockholm (got "${timeZone}")`, "timeZone");
    }
    const sandbox = input.sandbox ?? false;
    if (!sandbox && input.clockStart) throw badInput("clockStart is only for sandbox tenants (sandbox: true)", "clockStart");
    const outOfRange = input.clockStart ? unsupportedInstant(input.clockStart, "clockStart") : null;
    if (outOfRange) throw badInput(outOfRange, "clockStart");

    const now = this.clock.now();
    const tenant = Object.assign(new Tenant(), {
      id: randomUUID(),
      name,
      timeZone,
      hasEmployeeLicense: input.hasEmployeeLicense ?? false,
      sandbox,
      testClockNow: sandbox ? (input.clockStart ?? now) : null,
      domainVerificationToken: newDomainVerificationToken(),
      createdAt: now,
    });
    const adminApiKey = await this.dataSource.transaction(async (manager) => {
      await manager.insert(Tenant, tenant);
      return this.apiKeys.issue(manager, tenant.id, "Initial HR admin key", ["HR_ADMIN"]);
    });
    return { tenant, adminApiKey };
  }

  /**
   * R9, R10: HR's lifecycle settings; a field left out (undefined) stays as it is. The limits are
   * checked by the GraphQL input; `disconnectAfterDays` cannot be null (every tenant has one).
   * A new disconnectAfterDays re-plans, in the same transaction, every leaver's removal not yet due
   * whose user template sets no N of its own (R9: a planned removal follows the settings in force).
   * The tenant row is updated first: an endEmployment reads it under a shared lock, so it plans
   * wholly before (and is re-planned here) or wholly after (with the new N).
   */
  async setSettings(tenantId: string, input: { disconnectAfterDays?: number | null; reminderDaysBeforeExpiry?: number | null }): Promise<Tenant> {
    if (input.disconnectAfterDays === null) throw badInput("disconnectAfterDays cannot be null: leave it out to keep it", "disconnectAfterDays");
    const changes: Partial<Pick<Tenant, "disconnectAfterDays" | "reminderDaysBeforeExpiry">> = {};
    if (input.disconnectAfterDays !== undefined) changes.disconnectAfterDays = input.disconnectAfterDays;
    if (input.reminderDaysBeforeExpiry !== undefined) changes.reminderDaysBeforeExpiry = input.reminderDaysBeforeExpiry;
    const { tenant, replanned, now } = await inTransaction(this.dataSource.manager, async (manager) => {
      if (Object.keys(changes).length) await manager.update(Tenant, { id: tenantId }, changes);
      const tenant = await manager.findOneBy(Tenant, { id: tenantId });
      if (!tenant) throw notFound("Tenant");
      const now = this.clock.nowFor(tenant);
      const replanned = changes.disconnectAfterDays !== undefined ? await this.leavers.replanForTenant(manager, tenant, now) : [];
      return { tenant, replanned, now };
    });
    if (replanned.length) await this.leavers.afterPlanned(tenant, replanned, now);
    // R10: reminders follow the setting in force when they are looked for; the jobs are only triggers at the new times
    if (changes.reminderDaysBeforeExpiry !== undefined) await this.reminders.replan(tenantId).catch(() => undefined);
    return tenant;
  }

  async setEmployeeLicense(tenantId: string, enabled: boolean): Promise<Tenant> {
    const tenant = await this.dataSource.manager.findOneBy(Tenant, { id: tenantId });
    if (!tenant) throw notFound("Tenant");
    await this.dataSource.manager.update(Tenant, { id: tenantId }, { hasEmployeeLicense: enabled });
    return Object.assign(tenant, { hasEmployeeLicense: enabled });
  }
}
