import type { DataSource } from "typeorm";
import { partnerOf, type Principal } from "../auth/principal.js";
import type { Tenant } from "../entities/tenant.js";
import type { TxtLookup } from "../dns/txt-lookup.js";
import type { Logger } from "../log.js";
import type { Mailer } from "../mail/mailer.js";
import { ApiKeyService } from "./api-key.service.js";
import { CatalogService } from "./catalog.service.js";
import type { Clock } from "./clock.js";
import { HireQueries } from "./hire-queries.js";
import { HireService } from "./hire.service.js";
import { ImportService } from "./import.service.js";
import { ReviewService } from "./review.service.js";
import { InvitationDispatch, type DispatchSettings } from "./invitation-dispatch.js";
import type { InvitationJobs } from "./invitation-jobs.js";
import { InvitationPlanner } from "./invitation-planner.js";
import { RegistrationService } from "./registration.service.js";
import { ReminderDispatch } from "./reminder-dispatch.js";
import { SmtpBreaker } from "./send-window.js";
import { UnitOfWork } from "./unit-of-work.js";
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
  registrations: RegistrationService;
  hires: HireService;
  reviews: ReviewService;
  imports: ImportService;
  queries: HireQueries;
  /** The worker's side of the invitations: sends, expiries, the sweep. */
  dispatch: InvitationDispatch;
  /** R10: the reminders of unused links (jobs, the sweep's part, test clocks). */
  reminders: ReminderDispatch;
  verification: VerificationService;
  testClocks: TestClockService;
  /** The data of one tenant, and nothing else: every hire of it. */
  scope(tenantId: string, tenant?: Tenant): TenantScope;
  /** The data a tenant's key may see: its tenant's, and of a partner's key only the partner's hires (R12). */
  scopeOf(principal: Principal & { tenantId: string }): TenantScope;
}

export interface ServiceDependencies {
  dataSource: DataSource;
  clock: Clock;
  operatorApiKey: string;
  /** How long a valid key is remembered (Config.apiKeyCacheMs). */
  apiKeyCacheMs: number;
  mailer: Mailer;
  jobs: InvitationJobs;
  dispatchSettings: DispatchSettings;
  /** DNS TXT lookups for domain proofs (R12). */
  lookupTxt: TxtLookup;
  log: Logger;
}

export function createServices(d: ServiceDependencies): Services {
  const apiKeys = new ApiKeyService(d.dataSource, d.clock, d.operatorApiKey, d.apiKeyCacheMs);
  const breaker = new SmtpBreaker();
  const reminders = new ReminderDispatch(d.dataSource, d.clock, d.mailer, d.jobs, d.dispatchSettings, d.log, breaker);
  const dispatch = new InvitationDispatch(d.dataSource, d.clock, d.mailer, d.jobs, d.dispatchSettings, d.log, reminders, breaker);
  const unitOfWork = new UnitOfWork(dispatch);
  const planner = new InvitationPlanner();
  const reviews = new ReviewService(d.clock, planner, unitOfWork);
  const registrations = new RegistrationService(d.clock, planner, reviews, unitOfWork, d.log);
  return {
    clock: d.clock,
    apiKeys,
    tenants: new TenantService(d.dataSource, d.clock, apiKeys, reminders),
    catalog: new CatalogService(d.clock, d.lookupTxt, d.log),
    registrations,
    hires: new HireService(d.clock, planner, unitOfWork),
    reviews,
    imports: new ImportService(registrations),
    queries: new HireQueries(d.clock),
    dispatch,
    reminders,
    verification: new VerificationService(d.dataSource, d.clock, planner),
    testClocks: new TestClockService(d.dataSource, d.clock, dispatch, reminders),
    scope: (tenantId, tenant) => new TenantScope(tenantId, d.dataSource.manager, tenant),
    scopeOf: (principal) => new TenantScope(principal.tenantId, d.dataSource.manager, principal.tenant, partnerOf(principal)),
  };
}
