import { randomUUID } from "node:crypto";
import { normalizeDomain } from "../domain/invitation-policy.js";
import { EmploymentTemplate, UserTemplate, VerifiedDomain } from "../entities/index.js";
import type { Tenant } from "../entities/tenant.js";
import { isUniqueViolation } from "../db/errors.js";
import { badInput, conflict, notFound } from "../errors.js";
import type { Clock } from "./clock.js";
import type { TenantScope } from "./tenant-scope.js";

/** The tenant's templates and verified domains: what registrations are made from. */
export class CatalogService {
  constructor(private readonly clock: Clock) {}

  async createUserTemplate(scope: TenantScope, rawName: string): Promise<UserTemplate> {
    const name = rawName.trim();
    const [template] = await this.insertNamed(scope, UserTemplate, { name }, "user template");
    return template!;
  }

  async createEmploymentTemplate(scope: TenantScope, rawName: string, userTemplateId: string | null | undefined): Promise<EmploymentTemplate> {
    if (userTemplateId && !(await scope.findOne(UserTemplate, { id: userTemplateId }))) throw notFound("User template");
    const [template] = await this.insertNamed(scope, EmploymentTemplate, { name: rawName.trim(), userTemplateId: userTemplateId ?? null }, "employment template");
    return template!;
  }

  async addVerifiedDomain(scope: TenantScope, rawDomain: string): Promise<Tenant> {
    const domain = this.domainOf(rawDomain);
    if (!(await scope.findOne(VerifiedDomain, { domain }))) {
      try {
        await scope.insert(VerifiedDomain, [{ id: randomUUID(), domain, createdAt: this.clock.now() }]);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error; // added by a concurrent request: the same result
      }
    }
    return scope.tenant();
  }

  async removeVerifiedDomain(scope: TenantScope, rawDomain: string): Promise<Tenant> {
    const domain = this.domainOf(rawDomain);
    const existing = await scope.findOne(VerifiedDomain, { domain });
    if (!existing) throw notFound(`Verified domain ${domain}`);
    await scope.manager.delete(VerifiedDomain, { id: existing.id, tenantId: scope.tenantId });
    return scope.tenant();
  }

  async verifiedDomains(scope: TenantScope): Promise<string[]> {
    return (await scope.query(VerifiedDomain, "d").orderBy("d.domain", "ASC").getMany()).map((d) => d.domain);
  }

  private domainOf(raw: string): string {
    const domain = raw.length <= 253 ? normalizeDomain(raw) : null;
    if (!domain) throw badInput(`"${raw.slice(0, 80)}" is not a domain name such as acme.se`, "domain");
    return domain;
  }

  private async insertNamed<T extends UserTemplate | EmploymentTemplate>(
    scope: TenantScope,
    entity: new () => T,
    values: Partial<T>,
    what: string,
  ): Promise<T[]> {
    try {
      return await scope.insert(entity, [{ id: randomUUID(), createdAt: this.clock.now(), ...values } as unknown as Omit<T, "tenantId">]);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A ${what} named "${String(values.name)}" exists already`);
      throw error;
    }
  }
}
