import { randomUUID } from "node:crypto";
import { hasProof, isPublicSuffix, proofRecordFor, type ProofRecord } from "../domain/domain-ownership.js";
import { normalizeDomain } from "../domain/invitation-policy.js";
import { DnsLookupError, type TxtLookup } from "../dns/txt-lookup.js";
import { EmploymentTemplate, UserTemplate, VerifiedDomain } from "../entities/index.js";
import type { Tenant } from "../entities/tenant.js";
import { isUniqueViolation } from "../db/errors.js";
import { AppError, badInput, conflict, notFound } from "../errors.js";
import type { Logger } from "../log.js";
import { otherLiveTenantHoldsDomain } from "../sql/otherLiveTenantHoldsDomain.js";
import type { Clock } from "./clock.js";
import type { TenantScope } from "./tenant-scope.js";

/** The tenant's templates and verified domains: what registrations are made from. */
export class CatalogService {
  constructor(
    private readonly clock: Clock,
    /** DNS TXT lookups, for the proofs of live tenants' domains (R12). */
    private readonly lookupTxt: TxtLookup,
    private readonly log: Logger,
  ) {}

  async createUserTemplate(scope: TenantScope, rawName: string, disconnectAfterDays: number | null = null): Promise<UserTemplate> {
    const name = rawName.trim();
    const [template] = await this.insertNamed(scope, UserTemplate, { name, disconnectAfterDays }, "user template");
    return template!;
  }

  async createEmploymentTemplate(scope: TenantScope, rawName: string, userTemplateId: string | null | undefined): Promise<EmploymentTemplate> {
    if (userTemplateId && !(await scope.findOne(UserTemplate, { id: userTemplateId }))) throw notFound("User template");
    const [template] = await this.insertNamed(scope, EmploymentTemplate, { name: rawName.trim(), userTemplateId: userTemplateId ?? null }, "employment template");
    return template!;
  }

  /**
   * R12. A sandbox's domains are trusted: any registrable domain is added at once. A live tenant's
   * needs its DNS proof (looked up before the transaction: no lock waits on DNS) and must not be
   * another live tenant's. A public suffix is nobody's, sandbox or not. Adding a domain the tenant
   * has already is the same result again, without a lookup.
   */
  async addVerifiedDomain(scope: TenantScope, rawDomain: string): Promise<Tenant> {
    const domain = this.domainOf(rawDomain);
    if (isPublicSuffix(domain)) {
      throw badInput(`${domain} is a public suffix: anyone can register names under it, so no company owns it. Add your company's own domain (e.g. acme.${domain})`, "domain");
    }
    const tenant = await scope.tenant();
    if (await scope.findOne(VerifiedDomain, { domain })) return tenant;
    if (!tenant.sandbox) await this.requireProof(domain, proofRecordFor(domain, tenant.domainVerificationToken));
    const heldElsewhere = () => conflict(`${domain} is verified by another customer's account already; contact support if your company owns it`);
    try {
      await scope.transaction(async (tx) => {
        if (!tenant.sandbox && (await otherLiveTenantHoldsDomain(tx.manager, { domain, tenantId: tenant.id }))) throw heldElsewhere();
        await tx.insert(VerifiedDomain, [{ id: randomUUID(), domain, liveDomain: tenant.sandbox ? null : domain, createdAt: this.clock.now() }]);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // a concurrent request of this tenant added it (the same result), or another live tenant won the race for it
      if (!(await scope.findOne(VerifiedDomain, { domain }))) throw heldElsewhere();
    }
    return tenant;
  }

  /** The proof's TXT record must be in DNS; otherwise the error names the record to publish. */
  private async requireProof(domain: string, proof: ProofRecord): Promise<void> {
    const publish = `publish the DNS TXT record ${proof.name} with the value "${proof.value}" and try again`;
    const details = { field: "domain", recordName: proof.name, recordValue: proof.value };
    let records: string[][];
    try {
      records = await this.lookupTxt(proof.name);
    } catch (error) {
      if (!(error instanceof DnsLookupError)) throw error;
      this.log.warn({ dnsName: proof.name, code: error.code }, "domain proof lookup failed");
      throw new AppError("BAD_USER_INPUT", `The DNS lookup of ${proof.name} did not succeed (${error.code}). To prove that you own ${domain}, ${publish}`, details);
    }
    if (!hasProof(records, proof)) {
      const found = records.length ? "has no TXT record with the expected value" : "has no TXT record";
      throw new AppError("BAD_USER_INPUT", `${proof.name} ${found}. To prove that you own ${domain}, ${publish}`, details);
    }
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
