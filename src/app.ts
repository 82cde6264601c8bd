import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import type { AddressInfo } from "node:net";
import type { ApolloServer } from "@apollo/server";
import type { Agenda } from "agenda";
import type { Registry } from "prom-client";
import type { DataSource } from "typeorm";
import type { RequestContext } from "./auth/context.js";
import { resolveOperatorKey } from "./auth/operator-key.js";
import type { Config } from "./config.js";
import { createDataSource } from "./db/data-source.js";
import { EmbeddedPostgres } from "./db/embedded-postgres.js";
import { migrate } from "./db/migrate.js";
import { createTxtLookup } from "./dns/txt-lookup.js";
import { createApollo } from "./http/graphql.js";
import { graphqlMetricsPlugin } from "./http/graphql-metrics.js";
import type { ImportLimits } from "./http/import-routes.js";
import { RateLimits } from "./http/rate-limits.js";
import { defaultIdempotencySettings, idempotency, type IdempotencySettings } from "./http/idempotency.js";
import { createHttpApp } from "./http/server.js";
import { serveSubscriptions } from "./http/subscriptions.js";
import { AgendaInvitationJobs, defaultJobTuning, defineInvitationJobs, scheduleSweep, type JobTuning } from "./jobs/invitation.jobs.js";
import { registerLeaverGauges } from "./metrics/leaver-gauges.js";
import { AgendaRemovalJobs, defineLeaverJobs, scheduleRemovalSweep } from "./jobs/leaver.jobs.js";
import { openJobStore, pingJobStore, type JobStore } from "./jobs/job-store.js";
import { instrumentMailer } from "./mail/instrumented-mailer.js";
import { createMailer, type Mailer } from "./mail/mailer.js";
import { registerInvitationGauges } from "./metrics/invitation-gauges.js";
import { createMetricsRegistry } from "./metrics/registry.js";
import { lowerCpuPriority } from "./lifecycle.js";
import type { Logger } from "./log.js";
import { buildAppSchema } from "./schema/build-schema.js";
import { Clock } from "./services/clock.js";
import { createServices, type Services } from "./services/index.js";
import { defaultRelaySettings, WebhookRelay, type RelaySettings } from "./services/webhook-relay.js";
import { createResolveHost } from "./webhooks/target-addresses.js";
import { WebhookSender } from "./webhooks/webhook-sender.js";

export interface AppOptions {
  clock?: Clock;
  jobTuning?: Partial<JobTuning>;
  /**
   * Tests only: how long a worker's claim holds an invitation while sending (else SEND_LEASE_SECONDS,
   * which the configuration keeps longer than the send timeout). A shorter one stands in for a worker
   * that stalled past its lease.
   */
  sendLeaseMs?: number;
  /** Limits of a CSV import (default 100 000 rows, 50 MiB). */
  importLimits?: Partial<ImportLimits>;
  /** How often an api process adds its per-key request counts to the shared ones (default 1 s). */
  rateLimitSyncMs?: number;
  /** For tests: how long an Idempotency-Key is kept, when a claim goes stale (src/http/idempotency.ts). */
  idempotency?: Partial<IdempotencySettings>;
  /** For tests: how often the webhook relay polls, its timeout and lease (src/services/webhook-relay.ts). */
  webhookRelay?: Partial<RelaySettings>;
  /** For tests: how often an open subscription connection's key is checked again (default a minute). */
  subscriptionKeyRecheckMs?: number;
}

/**
 * One process of the service: the API, the job worker, or both (ROLE). `create` connects and
 * migrates, `start` takes requests and jobs, `stop` lets in-flight work finish and closes everything.
 */
export class App {
  private apollo: ApolloServer<RequestContext> | null = null;
  private workerStarted = false;
  private rateLimits: RateLimits | null = null;
  url = "";

  private constructor(
    readonly config: Config,
    readonly log: Logger,
    readonly dataSource: DataSource,
    readonly jobs: JobStore,
    readonly services: Services,
    readonly operatorKey: { key: string; generated: boolean },
    private readonly mailer: Mailer,
    private readonly jobTuning: JobTuning,
    private readonly httpServer: Server,
    private readonly embedded: EmbeddedPostgres | null,
    private readonly httpTuning: Pick<AppOptions, "importLimits" | "rateLimitSyncMs" | "idempotency" | "subscriptionKeyRecheckMs">,
    /** This process's Prometheus metrics, served at /metrics. */
    readonly metrics: Registry,
    /** Webhook deliveries (R11), run where jobs run. */
    readonly webhookRelay: WebhookRelay,
  ) {}

  get agenda(): Agenda {
    return this.jobs.agenda;
  }

  get servesApi(): boolean {
    return this.config.role !== "worker";
  }

  get runsWorker(): boolean {
    return this.config.role !== "api";
  }

  static async create(config: Config, log: Logger, options: AppOptions = {}): Promise<App> {
    const embedded = !config.databaseUrl || !config.jobsUrl ? await EmbeddedPostgres.start(config.dataDir, log) : null;
    if (embedded && config.production) {
      log.warn(
        { dataDir: config.dataDir },
        "NODE_ENV=production on the embedded database: it is for development, demos and trials (one process, fsync off, one session shared by all connections); set DATABASE_URL and JOBS_URL",
      );
    }
    let dataSource: DataSource | undefined;
    let jobs: JobStore | undefined;
    try {
      dataSource = await createDataSource(config.databaseUrl ?? embedded!.url);
      await dataSource.initialize();
      await migrate(dataSource, log);
      jobs = await openJobStore(config.jobsUrl ?? embedded!.url, !config.jobsUrl, { name: `${hostname()}:${process.pid}`, log });
      await jobs.agenda.ready;
      const operatorKey = await resolveOperatorKey(config.operatorApiKey, config.dataDir);
      const metrics = createMetricsRegistry();
      const mailer = instrumentMailer(createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir, log, timeouts: { sendMs: config.smtpSendTimeoutMs } }), metrics);
      const clock = options.clock ?? new Clock();
      const resolveHost = createResolveHost(config.dnsServers);
      registerInvitationGauges(metrics, dataSource, clock, log);
      registerLeaverGauges(metrics, dataSource, clock, log);
      const services = createServices({
        dataSource,
        clock,
        operatorApiKey: operatorKey.key,
        apiKeyCacheMs: config.apiKeyCacheMs,
        mailer,
        jobs: new AgendaInvitationJobs(jobs.agenda, clock),
        removalJobs: new AgendaRemovalJobs(jobs.agenda, clock),
        dispatchSettings: { publicBaseUrl: config.publicBaseUrl, sendLeaseMs: options.sendLeaseMs ?? config.sendLeaseMs, sendRetryMs: config.sendRetryMs },
        lookupTxt: createTxtLookup({ servers: config.dnsServers }),
        resolveHost,
        webhookTargets: { production: config.production, allowPrivate: config.webhookAllowPrivateTargets },
        log,
        feed: { pollMs: config.subscriptions.pollMs, overlapMs: config.subscriptions.overlapMs },
      });
      const relay = new WebhookRelay(
        dataSource,
        clock,
        new WebhookSender({ resolve: resolveHost, allowPrivate: config.webhookAllowPrivateTargets, timeoutMs: options.webhookRelay?.timeoutMs ?? defaultRelaySettings.timeoutMs }),
        { ...defaultRelaySettings, ...options.webhookRelay },
        log,
      );
      const jobTuning = { ...defaultJobTuning, ...options.jobTuning };
      defineInvitationJobs(jobs.agenda, services, jobTuning);
      defineLeaverJobs(jobs.agenda, services, jobTuning);
      return new App(config, log, dataSource, jobs, services, operatorKey, mailer, jobTuning, createServer(), embedded, options, metrics, relay);
    } catch (error) {
      await jobs?.close().catch(() => undefined);
      if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
      await embedded?.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Listens on PORT and, unless ROLE=api, starts processing jobs. Define jobs on `agenda` before. */
  async start(): Promise<void> {
    const shared = { dataSource: this.dataSource, log: this.log, keySyncMs: this.httpTuning.rateLimitSyncMs };
    this.rateLimits = new RateLimits(this.config.rateLimits, this.config.databaseUrl && this.servesApi ? shared : undefined);
    if (this.servesApi) {
      const schema = await buildAppSchema();
      this.apollo = createApollo(schema, this.httpServer, this.log, { introspection: this.config.introspection });
      this.apollo.addPlugin(graphqlMetricsPlugin(this.metrics));
      const subscriptions = serveSubscriptions(this.httpServer, schema, this.services, this.log, {
        perKey: this.config.subscriptions.perKey,
        rateLimits: this.rateLimits,
        keyRecheckMs: this.httpTuning.subscriptionKeyRecheckMs,
      });
      // at stop, the WebSocket connections close (1001) with the HTTP server's (Apollo's "subscriptions" recipe)
      this.apollo.addPlugin({ serverWillStart: async () => ({ drainServer: async () => void (await subscriptions.dispose()) }) });
      this.services.eventsWritten.on(() => this.services.eventFeed.kick()); // this process's own changes reach its subscribers at once
      await this.apollo.start();
    }
    const probes = {
      database: async () => void (await this.dataSource.query("SELECT 1")),
      jobStore: () => pingJobStore(this.jobs.agenda),
    };
    this.httpServer.on("request", createHttpApp(this.apollo, this.services, probes, this.log, {
        importLimits: this.httpTuning.importLimits,
        rateLimits: this.rateLimits,
        idempotency: idempotency(this.dataSource, this.services, this.rateLimits, this.log, { ...defaultIdempotencySettings, ...this.httpTuning.idempotency }),
        trustProxyHops: this.config.trustProxyHops,
        observability: { registry: this.metrics, agenda: this.jobs.agenda, metricsToken: this.config.metricsToken },
      }));
    await new Promise<void>((resolve, reject) => {
      this.httpServer.once("error", reject);
      this.httpServer.listen(this.config.port, resolve);
    });
    const { port } = this.httpServer.address() as AddressInfo;
    this.url = `http://localhost:${port}`;
    if (this.runsWorker) {
      if (this.config.role === "worker" && this.config.workerNice > 0) lowerCpuPriority(this.config.workerNice, this.log);
      await this.jobs.agenda.start();
      await scheduleSweep(this.jobs.agenda, this.jobTuning);
      this.services.eventsWritten.on(() => this.webhookRelay.kick());
      this.webhookRelay.start();
      await scheduleRemovalSweep(this.jobs.agenda, this.jobTuning);
      this.workerStarted = true;
    }
    this.log.info({ url: this.url, role: this.config.role, jobStore: this.jobs.kind }, "started");
  }

  /**
   * Stops taking requests, lets running jobs finish (up to `jobGraceMs`; a job still running then
   * keeps its lock until it expires and another worker takes it over) and closes every connection.
   */
  async stop(jobGraceMs = 20_000): Promise<void> {
    if (this.apollo) await this.apollo.stop(); // stops listening and drains in-flight requests and subscriptions
    else if (this.httpServer.listening) await new Promise((resolve) => this.httpServer.close(resolve));
    await this.services.eventFeed.stop();
    this.rateLimits?.close();
    if (this.workerStarted) {
      await this.webhookRelay.stop();
      const result = await this.jobs.agenda.drain({ timeout: jobGraceMs, closeConnection: false });
      if (result.timedOut) this.log.warn({ running: result.running }, "jobs still running at shutdown; their locks will expire");
    }
    await this.jobs.close();
    this.mailer.close();
    await this.dataSource.destroy();
    await this.embedded?.stop();
    this.log.info("stopped");
  }
}
