import type { DataSource } from "typeorm";
import { partnerOf, type Principal } from "../auth/principal.js";
import type { Tenant } from "../entities/tenant.js";
import type { TxtLookup } from "../dns/txt-lookup.js";
import type { Logger } from "../log.js";
import type { Mailer } from "../mail/mailer.js";
import { ApiKeyService } from "./api-key.service.js";
import { BulkResendService } from "./bulk-resend.service.js";
import { CatalogService } from "./catalog.service.js";
import type { Clock } from "./clock.js";
import { EmploymentEventFeed, type FeedSettings } from "./event-feed.js";
import { EventSubscriptions } from "./event-subscriptions.js";
import { HireQueries } from "./hire-queries.js";
import { HireService } from "./hire.service.js";
import { ImportService } from "./import.service.js";
import { ReviewService } from "./review.service.js";
import { InvitationDispatch, type DispatchSettings } from "./invitation-dispatch.js";
import type { InvitationJobs } from "./invitation-jobs.js";
import { InvitationPlanner } from "./invitation-planner.js";
import type { RemovalJobs } from "./leaver-jobs.js";
import { LeaverService } from "./leaver.service.js";
import { RegistrationService } from "./registration.service.js";
import { ReminderDispatch } from "./reminder-dispatch.js";
import { SmtpBreaker } from "./send-window.js";
import { UnitOfWork } from "./unit-of-work.js";
import { TenantScope } from "./tenant-scope.js";
import { TenantService } from "./tenant.service.js";
import { TestClockService } from "./test-clock.service.js";
import { VerificationService } from "./verification.service.js";
import { WebhookService } from "./webhook.service.js";
import { EventsWritten } from "./events-written.js";
import type { ResolveHost } from "../webhooks/target-addresses.js";
import type { TargetRules } from "../domain/webhook-target.js";

/** The use cases, built once per process and handed to resolvers and jobs. */
export interface Services {
  clock: Clock;
  apiKeys: ApiKeyService;
  tenants: TenantService;
  catalog: CatalogService;
  registrations: RegistrationService;
  hires: HireService;
  bulkResends: BulkResendService;
  reviews: ReviewService;
  imports: ImportService;
  /** Leavers (R9): end dates, and the removal of their Connect links (jobs, sweep, test clocks). */
  leavers: LeaverService;
  queries: HireQueries;
  /** The worker's side of the invitations: sends, expiries, the sweep. */
  dispatch: InvitationDispatch;
  /** In-process news that events were committed. */
  eventsWritten: EventsWritten;
  /** R10: the reminders of unused links (jobs, the sweep's part, test clocks). */
  reminders: ReminderDispatch;
  verification: VerificationService;
  testClocks: TestClockService;
  /** HR's webhook endpoints and their delivery log (R11). */
  webhooks: WebhookService;
  /** What subscribers hear (GraphQL subscriptions): the events of the employment_event table, as each caller may see them. */
  subscriptions: EventSubscriptions;
  /** This process's one reader of the events, for its subscribers; stopped at shutdown. */
  eventFeed: EmploymentEventFeed;
  /** The data of one tenant, and nothing else: every hire of it. */
  scope(tenantId: string, tenant?: Tenant): TenantScope;
  /** The data a tenant's key may see: its tenant's, and of a partner's key only the partner's hires (R12). */
  scopeOf(principal: Principal & { tenantId: string }): TenantScope;
}

export interface ServiceDependencies {
  /** In-process news of committed events (the webhook relay listens); default: a new one. */
  eventsWritten?: EventsWritten;
  dataSource: DataSource;
  clock: Clock;
  operatorApiKey: string;
  /** How long a valid key is remembered (Config.apiKeyCacheMs). */
  apiKeyCacheMs: number;
  mailer: Mailer;
  jobs: InvitationJobs;
  /** Jobs at leavers' removal instants (R9); without them the sweep alone carries the removals out. */
  removalJobs?: RemovalJobs;
  dispatchSettings: DispatchSettings;
  /** DNS TXT lookups for domain proofs (R12). */
  lookupTxt: TxtLookup;
  /** Address lookups of webhook targets, and which targets are allowed (R11, SSRF). */
  resolveHost: ResolveHost;
  webhookTargets: TargetRules;
  log: Logger;
  /** How the event feed reads the table (Config.subscriptions). */
  feed?: FeedSettings;
}

export function createServices(d: ServiceDependencies): Services {
  const apiKeys = new ApiKeyService(d.dataSource, d.clock, d.operatorApiKey, d.apiKeyCacheMs);
  const breaker = new SmtpBreaker();
  const reminders = new ReminderDispatch(d.dataSource, d.clock, d.mailer, d.jobs, d.dispatchSettings, d.log, breaker);
  const dispatch = new InvitationDispatch(d.dataSource, d.clock, d.mailer, d.jobs, d.dispatchSettings, d.log, reminders, breaker, d.eventsWritten ?? new EventsWritten());
  const unitOfWork = new UnitOfWork(dispatch);
  const leavers = new LeaverService(d.dataSource, d.clock, unitOfWork, d.removalJobs ?? null, d.log);
  const planner = new InvitationPlanner();
  const reviews = new ReviewService(d.clock, planner, unitOfWork);
  const registrations = new RegistrationService(d.clock, planner, reviews, unitOfWork, leavers, d.log);
  const queries = new HireQueries(d.clock);
  const eventFeed = new EmploymentEventFeed(d.dataSource, d.feed ?? { pollMs: 200, overlapMs: 10_000 }, d.log);
  return {
    clock: d.clock,
    apiKeys,
    tenants: new TenantService(d.dataSource, d.clock, apiKeys, leavers, reminders),
    catalog: new CatalogService(d.clock, d.lookupTxt, d.log),
    registrations,
    hires: new HireService(d.clock, planner, unitOfWork),
    bulkResends: new BulkResendService(d.clock, planner, unitOfWork),
    reviews,
    imports: new ImportService(registrations),
    leavers,
    queries,
    dispatch,
    eventsWritten: dispatch.eventsWritten,
    reminders,
    verification: new VerificationService(d.dataSource, d.clock, planner),
    testClocks: new TestClockService(d.dataSource, d.clock, dispatch, leavers, reminders),
    webhooks: new WebhookService(d.clock, d.resolveHost, d.webhookTargets),
    subscriptions: new EventSubscriptions(eventFeed, queries),
    eventFeed,
    scope: (tenantId, tenant) => new TenantScope(tenantId, d.dataSource.manager, tenant),
    scopeOf: (principal) => new TenantScope(principal.tenantId, d.dataSource.manager, principal.tenant, partnerOf(principal)),
  };
}
