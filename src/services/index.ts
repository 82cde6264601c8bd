import type { DataSource } from "typeorm";
import type { Tenant } from "../entities/tenant.js";
import type { Logger } from "../log.js";
import type { Mailer } from "../mail/mailer.js";
import { ApiKeyService } from "./api-key.service.js";
import { CatalogService } from "./catalog.service.js";
import type { Clock } from "./clock.js";
import { HireQueries } from "./hire-queries.js";
import { HireService } from "./hire.service.js";
import { ImportService } from "./import.service.js";
import { ReviewService } from "./review.service.js";
import type { InvitationJobs } from "./invitation-jobs.js";
import { InvitationService, type InvitationSettings } from "./invitation.service.js";
import { TenantScope } from "./tenant-scope.js";
import { TenantService } from "./tenant.service.js";
import { TestClockService } from "./test-clock.service.js";
import { VerificationService } from "./verification.service.js";

/** The use cases, built once per process and handed to resolvers and jobs. */
export interface Services {
  clock: Clock;
  apiKeys: ApiKeyService;
  tenants: TenantService;
  catalog: CatalogService;
  hires: HireService;
  reviews: ReviewService;
  imports: ImportService;
  queries: HireQueries;
  invitations: InvitationService;
  verification: VerificationService;
  testClocks: TestClockService;
  /** The data of one tenant, and nothing else. */
  scope(tenantId: string, tenant?: Tenant): TenantScope;
}

export interface ServiceDependencies {
  dataSource: DataSource;
  clock: Clock;
  operatorApiKey: string;
  /** How long a valid key is remembered (Config.apiKeyCacheMs). */
  apiKeyCacheMs: number;
  mailer: Mailer;
  jobs: InvitationJobs;
  invitationSettings: InvitationSettings;
  log: Logger;
}

export function createServices(d: ServiceDependencies): Services {
  const apiKeys = new ApiKeyService(d.dataSource, d.clock, d.operatorApiKey, d.apiKeyCacheMs);
  const invitations = new InvitationService(d.dataSource, d.clock, d.mailer, d.jobs, d.invitationSettings, d.log);
  const reviews = new ReviewService(d.clock, invitations);
  const catalog = new CatalogService(d.clock);
  const hires = new HireService(d.clock, invitations, reviews);
  return {
    clock: d.clock,
    apiKeys,
    tenants: new TenantService(d.dataSource, d.clock, apiKeys),
    catalog,
    hires,
    reviews,
    imports: new ImportService(d.clock, catalog, reviews, invitations, hires, d.log),
    queries: new HireQueries(d.clock),
    invitations,
    verification: new VerificationService(d.dataSource, d.clock, invitations),
    testClocks: new TestClockService(d.dataSource, invitations),
    scope: (tenantId, tenant) => new TenantScope(tenantId, d.dataSource.manager, tenant),
  };
}
