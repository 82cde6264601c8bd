// N invitations falling due at the same instant, on MariaDB and a real job store, delivered to a
// local SMTP server that counts what it accepts.
//   npm run build && node dist/bench/burst.js [N]      (default 5 000; needs MariaDB, PostgreSQL, Redis)
//   BENCH_JOBS=redis   the job store on Redis (a fresh key prefix) instead of a fresh PostgreSQL database
//   BENCH_PHASES=inproc,bare,webhooks,pickup,procs,relay,testclock   run only some of the parts
//   BENCH_TENANTS=5   over how many tenants (zones) the hires are spread, 1 to 5
//   BENCH_SMTP_DELAY_MS=50   the SMTP server answers each message that much later (a distant relay)
//   BENCH_PROFILE=burst.cpuprofile   a CPU profile of part 1's burst (this process's main thread), and of part 5's advances
//   BENCH_CLOCK_DAYS=250   over how many start dates part 5 spreads the hires (one a day)
//   BENCH_CLOCK_REMINDERS=2   part 5 once more with a reminder that many days before a link expires (2 N mails)
//   BENCH_DB=embedded   parts 1 and 5 on the embedded database and job store (no DATABASE_URL, as `npm start` runs)
// Prints, side by side:
//  1. the service in this process (ROLE=all, on an app Clock): the hires are imported the evening
//     before, then the clock and the send jobs skip to just before 09:00 tenant-local (prepareBurst):
//     time from due until the last mail is accepted, the first mail's delay, mails/s, and where the
//     time went (job pick-up, SMTP hand-over, event loop, CPU by process);
//  2. the same N messages (invitationMail, same size and shape) sent by bare pooled nodemailer to the
//     same server, and the ratio; with `webhooks`, part 1 again with one webhook endpoint per tenant
//     on a local receiver (every event type): the ratio again, and the lag from each invitation.sent
//     event to its webhook's arrival (p50, p99, max);
//  5. (testclock) a sandbox tenant's test clock advanced over the same N sends in one
//     advanceTestClock request: all due at one instant, then spread over 250 start dates (as an
//     outside tester's hires start over months: the advance crosses 500 send and expiry instants); the
//     request's time, the mails received and the ratio to part 1's burst of this run;
//  3. how soon a worker starts a job due now, with and without the job store's notifications;
//  4. the service as separate processes (dist/src/main.js, or BENCH_ENTRY=fixture
//     dist/test/fixtures/service-process.js) in real time: one ROLE=api process imports hires whose
//     start date has passed while no worker runs, then one or two ROLE=worker processes are started
//     together, as at 09:00 when everything falls due at once. Throughput of two workers vs one, and
//     mails received twice for one hire; against the same SMTP server (procs), then against one that
//     answers each message after 50 ms, as a hosted relay over the internet does (relay).
// Asserts nothing.
import "reflect-metadata";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import nodemailer from "nodemailer";
import pg from "pg";
import { Agenda } from "agenda";
import { PostgresBackend } from "@agendajs/postgres-backend";
import { SEND_DUE_INVITATIONS, SWEEP_INVITATIONS } from "../src/jobs/invitation.jobs.js";
import { invitationMail } from "../src/mail/invitation-mail.js";
import type { App } from "../src/app.js";
import { Clock } from "../src/services/clock.js";
import {
  childEntry,
  cpuSnapshot,
  cpuUsed,
  createTenants,
  freshJobStore,
  freshMariaDb,
  gqlAt,
  importHires,
  jobsKind,
  machineCpu,
  machineBusySeconds,
  machineLoad,
  mailsSentBy,
  mariaDbCounters,
  statementsPerMail,
  mysqlUrl,
  prepareBurst,
  serviceEnv,
  sleep,
  startChild,
  startInProcess,
  ZONES,
  type Child,
} from "./support/burst.js";
import { startProfiler } from "./support/profile.js";
import { startSmtpSink, type SmtpSink, type SinkStats } from "./support/smtp-sink.js";
import { startWebhookSink } from "./support/webhook-sink.js";

const N = Number(process.argv[2] ?? 5000);
const phases = new Set((process.env.BENCH_PHASES ?? "inproc,bare,pickup,procs,relay").split(","));
/** How long the "distant relay" of the last part waits before it accepts a message (a hosted relay over the internet). */
const RELAY_DELAY_MS = 50;
const BARE_POOL = 5; // nodemailer's default maxConnections, as the service's mailer
const TIMEOUT_MS = 10 * 60_000;

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000))} mails/s`;

/** When 10 %, 50 %, 90 % and all of the mails had arrived, after `t0`. */
async function progress(sink: SmtpSink, t0: number): Promise<string> {
  const arrivals = await sink.arrivals();
  return [0.1, 0.5, 0.9, 1]
    .map((q) => `${q * 100}% ${s(arrivals[Math.max(0, Math.ceil(q * arrivals.length) - 1)]! - t0)}`)
    .join(", ");
}

/** How many queries wait for a connection of TypeORM's mysql2 pool, sampled during the burst. */
function sampleDbPool(app: App) {
  const pool = (app.dataSource.driver as unknown as { pool: { _connectionQueue: { length: number }; config: { connectionLimit: number } } }).pool;
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(pool._connectionQueue.length), 20);
  return {
    stop() {
      clearInterval(timer);
      return { size: pool.config.connectionLimit, mean: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length), max: Math.max(0, ...samples) };
    },
  };
}

/** BENCH_DB=embedded: the in-process parts run on the embedded database and job store (a fresh DATA_DIR) instead of MariaDB and a job store server. */
const embedded = process.env.BENCH_DB === "embedded";

/** The environment of a service in this process on fresh, empty databases; `drop` removes them. */
async function freshService(sink: SmtpSink, extra: Record<string, string> = {}): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (embedded) {
    const dir = await mkdtemp(path.join(tmpdir(), "bench-embedded-"));
    const env = serviceEnv({ database: "", jobs: "", smtp: sink.url }, { ...extra, DATA_DIR: dir });
    delete env.DATABASE_URL;
    delete env.JOBS_URL;
    return { env, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const db = await freshMariaDb();
  const jobs = await freshJobStore();
  return {
    env: serviceEnv({ database: db.url, jobs: jobs.url, smtp: sink.url }, extra),
    drop: async () => {
      await db.drop();
      await jobs.drop();
    },
  };
}

/** MariaDB's statements per mail between two readings; nothing to read on the embedded database. */
const sqlCounters = () => (embedded ? Promise.resolve(null) : mariaDbCounters());
const sqlPerMail = (before: Record<string, number> | null, after: Record<string, number> | null, mails: number) =>
  before && after ? statementsPerMail(before, after, mails) : "(not counted on the embedded database)";

interface InProcessResult {
  totalMs: number;
  firstMs: number;
}

async function inProcess(sink: SmtpSink, options: { webhooks?: boolean } = {}): Promise<InProcessResult> {
  const clock = new Clock();
  const hooks = options.webhooks ? await startWebhookSink() : null;
  const stores = await freshService(sink, hooks ? { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" } : {});
  const app = await startInProcess(stores.env, clock);
  try {
    const pickups: number[] = [];
    (app.agenda as Agenda).on(`start:${SEND_DUE_INVITATIONS}`, () => pickups.push(Date.now()));
    const sweeps: number[] = [];
    (app.agenda as Agenda).on(`start:${SWEEP_INVITATIONS}`, () => sweeps.push(Date.now()));
    let tenants: Awaited<ReturnType<typeof createTenants>> | undefined;
    if (hooks) {
      const gql = gqlAt(app.url);
      tenants = await createTenants(gql);
      for (const tenant of tenants) await gql(`mutation($url: String!) { createWebhookEndpoint(input: { url: $url }) { secret } }`, { url: hooks.url }, tenant.key);
    }
    // with webhooks, the import's events (registered, scheduled) are delivered before the burst begins
    const afterImport = hooks ? () => hooks.waitFor("invitation.scheduled", N, TIMEOUT_MS) : undefined;
    const burst = await prepareBurst(app, clock, N, { tenants, afterImport });
    await sink.reset();
    await sleep(burst.dueAt - Date.now() - 100);
    // from here to the last mail: the burst alone
    const cpuBefore = await cpuSnapshot();
    const sqlBefore = await sqlCounters();
    const machineBefore = await machineCpu();
    const eluBefore = performance.eventLoopUtilization();
    const profiler = process.env.BENCH_PROFILE ? await startProfiler() : null;
    const pool = embedded ? null : sampleDbPool(app);
    const stats = await sink.waitFor(N, TIMEOUT_MS);
    const waiting = pool?.stop();
    if (profiler) await profiler.stop(process.env.BENCH_PROFILE!);
    const elu = performance.eventLoopUtilization(eluBefore);
    const machine = machineLoad(machineBefore, await machineCpu(), cpus().length);
    const cpu = cpuUsed(cpuBefore, await cpuSnapshot(), { [process.pid]: "bench process (service + SMTP sink thread)" });
    const sql = sqlPerMail(sqlBefore, await sqlCounters(), N);
    const totalMs = stats.last! - burst.dueAt;
    const firstMs = stats.first! - burst.dueAt;
    const mail = (await app.metrics.getSingleMetric("onboarding_mail_send_seconds")!.get()).values as { metricName?: string; labels: { outcome?: string }; value: number }[];
    const sum = mail.find((v) => v.metricName === "onboarding_mail_send_seconds_sum" && v.labels.outcome === "sent")?.value ?? 0;
    const count = mail.find((v) => v.metricName === "onboarding_mail_send_seconds_count" && v.labels.outcome === "sent")?.value ?? 0;

    let lag: string | null = null;
    if (hooks) {
      await hooks.waitFor("invitation.sent", N, TIMEOUT_MS);
      // from the event (its instant on the app's clock, in real time) to its webhook's arrival; the first arrival of each id
      const first = new Map<string, number>();
      for (const w of hooks.arrived) if (w.type === "invitation.sent" && !first.has(w.id)) first.set(w.id, w.arrivedAt - clock.toSystemTime(w.at).getTime());
      const lags = [...first.values()].sort((a, b) => a - b);
      const at = (q: number) => lags[Math.min(lags.length - 1, Math.ceil(q * lags.length) - 1)]!;
      lag = `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${lags.at(-1)} ms over ${lags.length} events`;
    }

    console.log(`\n1${hooks ? "w" : ""}. The service in this process (ROLE=all), ${ZONES.length} tenants, due at one instant (08:00Z = 09:00 local in ${ZONES.join(", ")})${hooks ? ", one webhook endpoint per tenant on a local receiver" : ""}`);
    console.log(`   import of the ${N} hires (10 h before)      ${burst.importSeconds.toFixed(2)} s (not counted)`);
    console.log(`   due → last mail accepted                  ${s(totalMs)}   ${rate(N, totalMs)}`);
    console.log(`   due → first mail accepted                 ${s(firstMs)}`);
    console.log(`   progress after due                        ${await progress(sink, burst.dueAt)}`);
    console.log(`   send-due jobs started after due           ${pickups.map((t) => s(t - burst.dueAt)).join(", ")}`);
    const sweepsDuring = sweeps.filter((t) => t >= burst.dueAt && t <= stats.last!).length;
    console.log(`   sweeps that ran during the burst          ${sweepsDuring}`);
    console.log(`   mailer.send (SMTP hand-over incl. pool)   mean ${((sum / count) * 1000).toFixed(1)} ms over ${count} mails`);
    console.log(`   SMTP connections opened                   ${stats.connections}`);
    if (waiting) console.log(`   MariaDB pool: queries waiting for one of its ${waiting.size} connections   mean ${waiting.mean.toFixed(1)}, max ${waiting.max} (sampled every 20 ms)`);
    console.log(`   MariaDB statements per mail               ${sql}`);
    console.log(`   event loop busy (this process)            ${(elu.utilization * 100).toFixed(0)} %`);
    console.log(`   machine during the burst                  ${machine}`);
    console.log(`   CPU seconds during the burst              ${cpu}`);
    console.log(`   mails received twice for one hire         ${stats.duplicates}`);
    if (lag) console.log(`   invitation.sent → its webhook arrived     ${lag}`);
    return { totalMs, firstMs };
  } finally {
    await app.stop(1000);
    await hooks?.close();
    await stores.drop();
  }
}

async function bare(sink: SmtpSink): Promise<{ totalMs: number; firstMs: number }> {
  await sink.reset();
  const transport = nodemailer.createTransport({ url: sink.url, pool: true, maxConnections: BARE_POOL, logger: false }, { from: "Onboarding <no-reply@localhost>" });
  const expiresAt = new Date(Date.now() + 5 * 86_400_000);
  const t0 = Date.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < N; i++) {
    const token = randomBytes(32).toString("base64url");
    const zone = ZONES[i % ZONES.length]!;
    sends.push(
      transport.sendMail(
        invitationMail({ to: `bare.${i}@example.org`, firstName: `Anna${i}`, link: `http://localhost:4000/verify?token=${token}`, expiresAt, timeZone: zone, companyName: "Bench 1 AB" }),
      ),
    );
  }
  await Promise.all(sends);
  const stats = await sink.waitFor(N, TIMEOUT_MS);
  transport.close();
  const totalMs = stats.last! - t0;
  const firstMs = stats.first! - t0;
  console.log(`\n2. Bare pooled nodemailer (maxConnections ${BARE_POOL}), the same ${N} invitationMail messages, all handed over at once`);
  console.log(`   first sendMail → last mail accepted       ${s(totalMs)}   ${rate(N, totalMs)}`);
  console.log(`   first sendMail → first mail accepted      ${s(firstMs)}`);
  return { totalMs, firstMs };
}

interface ProcessRun {
  workers: number;
  /** ms from starting the workers to the last mail accepted */
  totalMs: number;
  /** ms from the first mail to the last */
  sendingMs: number;
  stats: SinkStats;
}

/**
 * The 09:00 burst with separate processes, in real time: one ROLE=api process imports the hires while
 * no worker runs (their start dates past, so every send is due at once), then `workers` ROLE=worker
 * processes are started together — the burst begins at that instant.
 */
async function processes(sink: SmtpSink, workers: number): Promise<ProcessRun> {
  const db = await freshMariaDb();
  const jobs = await freshJobStore();
  const env = serviceEnv({ database: db.url, jobs: jobs.url, smtp: sink.url });
  const children: Child[] = [];
  try {
    const api = await startChild({ ...env, ROLE: "api" }); // migrates the empty database first
    children.push(api);
    const gql = gqlAt(api.url);
    const tenants = await createTenants(gql);
    const importStarted = Date.now();
    await importHires(gql, tenants, N, "2020-01-06"); // started long ago: every send is due now, but no worker runs yet
    const importMs = Date.now() - importStarted;
    await sink.reset();
    const cpuBefore = await cpuSnapshot();
    const sqlBefore = await mariaDbCounters();
    const machineBefore = await machineCpu();
    const t0 = Date.now();
    children.push(...(await Promise.all(Array.from({ length: workers }, () => startChild({ ...env, ROLE: "worker" })))));
    const startedMs = Date.now() - t0;
    const labels: Record<number, string> = { [process.pid]: "bench process (SMTP sink thread)", [api.pid]: "api process" };
    children.slice(1).forEach((c, i) => (labels[c.pid] = `worker ${i + 1}`));
    const stats = await sink.waitFor(N, TIMEOUT_MS);
    const machineAfter = await machineCpu();
    const machine = machineLoad(machineBefore, machineAfter, cpus().length);
    const perMail = (machineBusySeconds(machineBefore, machineAfter) / N) * 1000;
    const cpu = cpuUsed(cpuBefore, await cpuSnapshot(), labels);
    const sql = statementsPerMail(sqlBefore, await mariaDbCounters(), N);
    await sleep(3000); // a second send would arrive here
    const after = await sink.stats();
    const totalMs = stats.last! - t0;
    const sendingMs = stats.last! - stats.first!;
    const shares = (await Promise.all(children.slice(1).map(async (c) => `${labels[c.pid]} ${await mailsSentBy(c.url)}`))).join(", ");
    console.log(`\n4${workers === 1 ? "a" : "b"}. Separate processes (${childEntry}): ${workers} worker${workers > 1 ? "s" : ""} started when ${N} sends are due, real time`);
    console.log(`   import beforehand (${ZONES.length} tenants at once, no worker running) ${s(importMs)}`);
    console.log(`   workers started → last mail accepted      ${s(totalMs)}   ${rate(N, totalMs)} (the workers answered /healthz after ${s(startedMs)})`);
    console.log(`   first mail → last mail                    ${s(sendingMs)}   ${rate(N, sendingMs)}`);
    console.log(`   workers started → first mail              ${s(stats.first! - t0)}`);
    console.log(`   progress after the workers were started   ${await progress(sink, t0)}`);
    console.log(`   mails sent by each worker                 ${shares}`);
    const failures = await jobs.sendJobFailures();
    if (failures.length) console.log(`   send-due jobs failed by Agenda            ${failures.length}: ${[...new Set(failures.map((f) => f.replace(/'[^']*'/g, "…")))].join("; ")}`);
    console.log(`   MariaDB statements per mail               ${sql}`);
    console.log(`   machine during the burst                  ${machine}`);
    console.log(`   CPU of the whole machine per mail         ${perMail.toFixed(1)} ms (worker${workers > 1 ? "s" : ""}, MariaDB, job store, SMTP server): at most ${Math.round((cpus().length * 1000) / perMail)} mails/s on ${cpus().length} cores`);
    console.log(`   CPU seconds during the burst              ${cpu}`);
    const logged = children.flatMap((c) => c.warnings);
    if (logged.length) console.log(`   warnings logged by the processes          ${logged.length}, e.g. ${logged[0]!.slice(0, 300)}`);
    console.log(`   mails received twice for one hire         ${after.duplicates} (of ${after.count} received, ${after.recipients} hires)`);
    return { workers, totalMs, sendingMs, stats: after };
  } finally {
    for (const c of children.reverse()) await c.stop();
    await db.drop();
    await jobs.drop();
  }
}

/** The statements this service sends (its TypeORM logger sees each), whoever else uses the database server. */
function countStatements(app: App) {
  const dataSource = app.dataSource;
  const original = dataSource.logger;
  const counts = { total: 0, brackets: 0, rounds: 0 };
  dataSource.logger = new Proxy(original, {
    get: (target, property, receiver) =>
      property === "logQuery"
        ? (query: string, ...rest: unknown[]) => {
            counts.total++;
            if (/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(query)) counts.brackets++;
            if (/MIN\(\S*dueAt/.test(query)) counts.rounds++; // what is due next: asked once a round
            return target.logQuery(query, ...(rest as []));
          }
        : Reflect.get(target, property, receiver),
  }) as typeof original;
  return {
    stop() {
      dataSource.logger = original;
      return counts;
    },
  };
}

/** Start dates of the spread test-clock run (BENCH_CLOCK_DAYS): one a day from the third day of the clock, as an outside tester's hires start over months. */
const SPREAD_DAYS = Number(process.env.BENCH_CLOCK_DAYS ?? 250);

/**
 * A sandbox tenant (Europe/Stockholm) whose clock starts at 00:00Z on 1 March next year, N hires
 * imported with importHires (start dates from 3 March: one date, or SPREAD_DAYS of them), then one
 * advanceTestClock past every send (and, spread, past the expiries of the earlier links: the advance
 * runs those too). Returns the advance's time in ms.
 */
async function testClock(sink: SmtpSink, spread: boolean, reminderDays: number | null = null): Promise<number> {
  const stores = await freshService(sink);
  const app = await startInProcess(stores.env, new Clock());
  try {
    const gql = gqlAt(app.url);
    const year = new Date().getUTCFullYear() + 1;
    const clockStart = new Date(Date.UTC(year, 2, 1));
    const created = await gql(`mutation($input: CreateTenantInput!) { createTenant(input: $input) { adminApiKey } }`, {
      input: { name: "Bench Sandbox AB", timeZone: "Europe/Stockholm", sandbox: true, clockStart: clockStart.toISOString() },
    });
    const key = created.createTenant.adminApiKey as string;
    const user = (await gql(`mutation { createUserTemplate(input: { name: "Employee" }) { id } }`, {}, key)).createUserTemplate.id;
    const templateId = (await gql(`mutation($u: ID) { createEmploymentTemplate(input: { name: "Permanent", userTemplateId: $u }) { id } }`, { u: user }, key))
      .createEmploymentTemplate.id as string;
    if (reminderDays) await gql(`mutation($d: Int) { setTenantSettings(input: { reminderDaysBeforeExpiry: $d }) { id } }`, { d: reminderDays }, key);
    const mails = reminderDays ? 2 * N : N;
    const days = spread ? SPREAD_DAYS : 1;
    const startDate = (k: number) => new Date(clockStart.getTime() + (2 + (k % days)) * 86_400_000).toISOString().slice(0, 10);
    const run = randomBytes(3).toString("hex");
    const rows = Array.from({ length: N }, (_, k) => ({ firstName: `Anna${k}`, lastName: "Berg", email: `clock.${run}.${k}@example.org`, startDate: startDate(k), employmentTemplateId: templateId }));
    const importStarted = Date.now();
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      const report = (await gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`, { rows: chunk }, key)).importHires;
      if (report.created !== chunk.length) throw new Error(`import created ${report.created} of ${chunk.length}`);
    }
    const importMs = Date.now() - importStarted;
    // past the last send (09:00 local the day before the last start date) and a week on: the earlier links expire on the way
    const to = new Date(clockStart.getTime() + (2 + days + 7) * 86_400_000);
    await sink.reset();
    const cpuBefore = await cpuSnapshot();
    const sqlBefore = await sqlCounters();
    const eluBefore = performance.eventLoopUtilization();
    const profiler = process.env.BENCH_PROFILE ? await startProfiler() : null;
    const counted = countStatements(app);
    const t0 = Date.now();
    const advanced = await gql(`mutation($to: DateTime!) { advanceTestClock(to: $to) { clockNow } }`, { to: to.toISOString() }, key);
    const advanceMs = Date.now() - t0;
    const own = counted.stop();
    if (profiler) await profiler.stop(`${process.env.BENCH_PROFILE}.testclock-${spread ? "spread" : "one"}.cpuprofile`);
    const elu = performance.eventLoopUtilization(eluBefore);
    const sql = sqlPerMail(sqlBefore, await sqlCounters(), mails);
    const cpu = cpuUsed(cpuBefore, await cpuSnapshot(), { [process.pid]: "bench process (service + SMTP sink thread)" });
    await sleep(1000); // a mail sent after the answer, or twice, would arrive here
    const stats = await sink.stats();
    const expired = (await gql(`query { invitations(status: EXPIRED, first: 1) { totalCount } }`, {}, key)).invitations.totalCount;
    console.log(`\n5${reminderDays ? "c" : spread ? "b" : "a"}. A sandbox test clock: ${N} hires, start dates ${spread ? `spread over ${days} days (${SPREAD_DAYS} send instants)` : "all the same day (one send instant)"}${reminderDays ? `, a reminder ${reminderDays} days before a link expires` : ""}, one advanceTestClock to ${advanced.advanceTestClock.clockNow}`);
    console.log(`   import of the ${N} hires                   ${s(importMs)} (not counted)`);
    console.log(`   advanceTestClock answered after           ${s(advanceMs)}   ${rate(stats.count, advanceMs)}`);
    console.log(`   mails received (before the answer + 1 s)   ${stats.count} (${stats.recipients} hires), twice for one hire ${stats.duplicates}${reminderDays ? " (the reminders)" : ""}; links expired on the way ${expired}`);
    console.log(`   MariaDB statements per mail               ${sql}`);
    console.log(`   the service's own statements              ${own.total} (${(own.total / mails).toFixed(2)} a mail; ${own.brackets} of them BEGIN/COMMIT), ${own.rounds} rounds (clock reads of what is due next)`);
    console.log(`   event loop busy (this process)            ${(elu.utilization * 100).toFixed(0)} %`);
    console.log(`   CPU seconds during the advance            ${cpu}`);
    if (stats.count !== mails || stats.duplicates !== mails - N) throw new Error(`the advance mailed ${stats.count} (${stats.duplicates} twice) of ${mails}`);
    return advanceMs;
  } finally {
    await app.stop(1000);
    await stores.drop();
  }
}

const smtpDelayMs = Number(process.env.BENCH_SMTP_DELAY_MS ?? 0);
/**
 * How soon a worker starts a job that is due now. Through the service's own Agenda the job store
 * notifies the workers (PostgreSQL LISTEN/NOTIFY, Redis pub/sub); MongoDB, production's store, has no
 * notification channel in our setup, so there a worker finds such a job only at its next scan
 * (processEvery). Simulated here by scheduling through a second connection without notifications.
 */
async function pickup(sink: SmtpSink): Promise<void> {
  if (jobsKind !== "postgres") return void console.log("\n3. Pick-up latency: measured on the PostgreSQL job store only");
  const db = await freshMariaDb();
  const jobs = await freshJobStore();
  const app = await startInProcess(serviceEnv({ database: db.url, jobs: jobs.url, smtp: sink.url }), new Clock());
  const pool = new pg.Pool({ connectionString: jobs.url, max: 2 });
  pool.on("error", () => undefined);
  const silent = new Agenda({ backend: new PostgresBackend({ pool, disableNotifications: true }) });
  await silent.ready;
  try {
    const started = new Map<string, number>();
    const onStart = (job: { attrs: { data: { tenantId: string } } }) => void started.set(job.attrs.data.tenantId, Date.now());
    app.agenda.on(`start:${SEND_DUE_INVITATIONS}`, onStart as unknown as () => void);
    const measure = async (through: Agenda, samples: number) => {
      const waits: number[] = [];
      for (let i = 0; i < samples; i++) {
        await sleep(Math.random() * 2000); // at a random moment between two scans
        const tenantId = randomUUID(); // no such tenant: the job finds nothing to send
        const at = Date.now();
        await through.schedule(new Date(at), SEND_DUE_INVITATIONS, { tenantId });
        while (!started.has(tenantId)) await sleep(5);
        waits.push(started.get(tenantId)! - at);
      }
      waits.sort((a, b) => a - b);
      return `mean ${s(waits.reduce((a, b) => a + b, 0) / waits.length)}, max ${s(waits.at(-1)!)} (${samples} jobs)`;
    };
    console.log(`\n3. A send-due job scheduled for now: how soon a worker starts it (processEvery ${(app.agenda as unknown as { attrs: { processEvery: number } }).attrs.processEvery} ms)`);
    console.log(`   job store notifies (PostgreSQL, Redis)    ${await measure(app.agenda, 10)}`);
    console.log(`   no notification (as on MongoDB)           ${await measure(silent, 20)}`);
  } finally {
    await silent.stop();
    await pool.end();
    await app.stop(1000);
    await db.drop();
    await jobs.drop();
  }
}

const sink = await startSmtpSink({ delayMs: smtpDelayMs });
console.log(`burst of ${N} invitations; ${embedded ? "the embedded database and job store (in-process parts)" : `MariaDB (${new URL(mysqlUrl).host}), ${jobsKind} job store`}, ${new Date().toISOString()}`);
if (smtpDelayMs) console.log(`the SMTP server answers each message ${smtpDelayMs} ms after its data (BENCH_SMTP_DELAY_MS)`);
const relays: SmtpSink[] = [];
try {
  const ours = phases.has("inproc") ? await inProcess(sink) : null;
  const baseline = phases.has("bare") ? await bare(sink) : null;
  if (ours && baseline) {
    console.log(`\n   ours vs bare nodemailer: ${(ours.totalMs / baseline.totalMs).toFixed(2)}x the time (target ≤ 1.5x); first mail ${s(ours.firstMs)} after due (target ≤ 0.5 s)`);
  }
  if (phases.has("webhooks")) {
    const withHooks = await inProcess(sink, { webhooks: true });
    if (baseline) console.log(`\n   with webhooks: ours vs bare nodemailer ${(withHooks.totalMs / baseline.totalMs).toFixed(2)}x the time${ours ? ` (without: ${(ours.totalMs / baseline.totalMs).toFixed(2)}x; target: within 10 % of it)` : ""}`);
  }
  if (phases.has("testclock")) {
    const one = await testClock(sink, false);
    const spread = await testClock(sink, true);
    if (process.env.BENCH_CLOCK_REMINDERS) await testClock(sink, true, Number(process.env.BENCH_CLOCK_REMINDERS));
    const vs = (ms: number) => (ours ? `${(ms / ours.totalMs).toFixed(2)}x the live burst of this run (${s(ours.totalMs)}; target ≤ 2x)` : "(run with inproc for the live burst beside it)");
    console.log(`\n   test clock over ${N} sends: one instant ${s(one)}, ${vs(one)}; spread over ${SPREAD_DAYS} days ${s(spread)}, ${vs(spread)}`);
  }
  if (phases.has("pickup")) await pickup(sink);
  // several workers, against this SMTP server and against one that answers like a distant relay
  const servers: [string, SmtpSink][] = [];
  if (phases.has("procs")) servers.push([smtpDelayMs ? `answering after ${smtpDelayMs} ms` : "answering at once", sink]);
  if (phases.has("relay")) {
    relays.push(await startSmtpSink({ delayMs: RELAY_DELAY_MS }));
    servers.push([`answering after ${RELAY_DELAY_MS} ms, like a distant relay`, relays[0]!]);
  }
  const comparisons: string[] = [];
  for (const [label, server] of servers) {
    console.log(`\n--- worker processes; the SMTP server ${label}`);
    const one = await processes(server, 1);
    const two = await processes(server, 2);
    comparisons.push(
      `   SMTP server ${label}: two workers ${(one.totalMs / two.totalMs).toFixed(2)}x the throughput of one from their start (target ≥ 1.5x), ${(one.sendingMs / two.sendingMs).toFixed(2)}x from the first mail to the last; duplicates ${one.stats.duplicates} and ${two.stats.duplicates} (must be 0)`,
    );
  }
  if (comparisons.length) console.log(`\n${comparisons.join("\n")}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await sink.close();
  for (const relay of relays) await relay.close();
  process.exit(process.exitCode ?? 0); // Agenda's job-liveness timer would hold the process for minutes
}
