// What bench/burst.ts and bench/status.ts share: fresh databases, the service in this process or in
// child processes, tenants and hires made through the API as HR would, and CPU accounting.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { readdir, readFile } from "node:fs/promises";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import path from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import { App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { AgendaInvitationJobs, SEND_DUE_INVITATIONS } from "../../src/jobs/invitation.jobs.js";
import { createLogger } from "../../src/log.js";
import { projectRoot } from "../../src/paths.js";
import type { Clock } from "../../src/services/clock.js";

export const mysqlUrl = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
export const postgresUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
/** BENCH_JOBS=postgres (default: a fresh database) or redis (a fresh key prefix) */
export const jobsKind = process.env.BENCH_JOBS === "redis" ? "redis" : "postgres";
export const OPERATOR_KEY = "bench-operator-key-0123456789abcdef0123";

/**
 * Five live tenants in five different zones of three countries' rules (two with EU summer time, three
 * without) that all show UTC+1 in July (BENCH_TENANTS=1…5 takes fewer): 09:00 tenant-local on the day before a start date is the
 * same instant for all of them, so their hires fall due together.
 */
export const ZONES = ["Europe/London", "Europe/Dublin", "Europe/Lisbon", "Africa/Lagos", "Africa/Algiers"].slice(0, Number(process.env.BENCH_TENANTS ?? 5));

export interface Fresh {
  url: string;
  drop(): Promise<void>;
}

const tag = () => randomBytes(3).toString("hex");

export async function freshMariaDb(): Promise<Fresh> {
  const name = `bench_${tag()}`;
  const admin = await mysql.createConnection(mysqlUrl);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(mysqlUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = await mysql.createConnection(mysqlUrl);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``).finally(() => c.end());
    },
  };
}

/** A fresh job store: an empty PostgreSQL database, or a new key prefix in the shared Redis. */
export async function freshJobStore(): Promise<Fresh & { sendJobFailures(): Promise<string[]> }> {
  if (jobsKind === "redis") {
    const prefix = `bench-${tag()}:`;
    return {
      url: `${redisUrl}/0?prefix=${prefix}`,
      sendJobFailures: async () => [],
      drop: async () => {
        const { Redis } = await import("ioredis");
        const redis = new Redis(redisUrl);
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== "0");
        redis.disconnect();
      },
    };
  }
  const name = `bench_${tag()}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    /** send-due jobs that Agenda failed (e.g. "execution … took more than <lockLifetime> ms") */
    async sendJobFailures() {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        const { rows } = await c.query(`SELECT fail_count, fail_reason FROM agenda_jobs WHERE name = 'invitations.send-due' AND fail_count > 0`);
        return rows.map((r: { fail_count: number; fail_reason: string }) => `${r.fail_count}× ${r.fail_reason}`);
      } finally {
        await c.end();
      }
    },
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => c.end());
    },
  };
}

/** The environment of every service the benchmarks start: production's, with the log at warn and rate limits out of the way. */
export function serviceEnv(urls: { database: string; jobs: string; smtp: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: "0",
    DATABASE_URL: urls.database,
    JOBS_URL: urls.jobs,
    SMTP_URL: urls.smtp,
    OPERATOR_API_KEY: OPERATOR_KEY,
    LOG_LEVEL: "warn",
    DATA_DIR: "/tmp/bench-onboarding",
    RATE_LIMIT_KEY_PER_MINUTE: "999999999",
    ...extra,
  };
}

/** The whole service (ROLE=all) in this process, on `clock`, with the production job tuning. */
export async function startInProcess(env: Record<string, string>, clock: Clock): Promise<App> {
  const config = loadConfig(env);
  const app = await App.create(config, createLogger(config.logLevel), { clock });
  await app.start();
  return app;
}

export interface Child {
  child: ChildProcess;
  url: string;
  pid: number;
  /** log lines (warn and above) the process wrote */
  warnings: string[];
  stop(): Promise<void>;
}

/**
 * The service in a child process: dist/src/main.js, as production starts it (a job lock of 2 minutes),
 * or with BENCH_ENTRY=fixture dist/test/fixtures/service-process.js (main.ts with the timing knobs of
 * the fault tests: a 4 s job lock, after which Agenda declares a still-running send-due job dead and
 * starts it again, on this or another worker, next to the first run). Resolves once it answers /healthz.
 */
export const childEntry = process.env.BENCH_ENTRY === "fixture" ? "dist/test/fixtures/service-process.js" : "dist/src/main.js";

/** Starts a process and waits until GET `readyPath` answers 2xx (or, with `anyAnswer`, answers at all). */
export async function startChild(env: Record<string, string>, entry = childEntry, { readyPath = "/healthz", anyAnswer = false } = {}): Promise<Child> {
  const port = await freePort();
  // BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof": a CPU profile of each service process (written when it stops)
  const flags = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...flags, path.join(projectRoot, entry)], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // the service logs JSON lines at LOG_LEVEL (warn): keep the first few to show
  const warnings: string[] = [];
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    for (const line of chunk.split("\n")) if (line.startsWith("{") && warnings.length < 1000) warnings.push(line);
  });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`the service exited with ${code} before it answered:\n${warnings.slice(-5).join("\n")}`))));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    const ok = await Promise.race([
      fetch(`${url}${readyPath}`).then((r) => r.ok || anyAnswer, () => false),
      exited,
    ]);
    if (ok) break;
    await sleep(100);
  }
  return {
    child,
    url,
    pid: child.pid!,
    warnings,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The mails a service process has handed to the SMTP server, from its /metrics. */
export async function mailsSentBy(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
  const match = /^onboarding_mail_send_seconds_count\{outcome="sent"\} (\d+)$/m.exec(await response.text());
  return Number(match?.[1] ?? 0);
}

export type Gql = (query: string, variables?: Record<string, unknown>, key?: string) => Promise<any>;

export function gqlAt(baseUrl: string): Gql {
  return async (query, variables = {}, key = OPERATOR_KEY) => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
}

export interface BenchTenant {
  key: string;
  templateId: string;
  zone: string;
}

/** Live tenants, one per zone, each with a user template and an employment template that links it. */
export async function createTenants(gql: Gql, zones = ZONES): Promise<BenchTenant[]> {
  const run = tag();
  return Promise.all(
    zones.map(async (zone, i) => {
      const created = await gql(`mutation($input: CreateTenantInput!) { createTenant(input: $input) { adminApiKey } }`, {
        input: { name: `Bench ${i + 1} ${run} AB`, timeZone: zone },
      });
      const key = created.createTenant.adminApiKey as string;
      const user = (await gql(`mutation { createUserTemplate(input: { name: "Employee" }) { id } }`, {}, key)).createUserTemplate.id;
      const template = (await gql(`mutation($u: ID) { createEmploymentTemplate(input: { name: "Permanent", userTemplateId: $u }) { id } }`, { u: user }, key))
        .createEmploymentTemplate.id as string;
      return { key, templateId: template, zone };
    }),
  );
}

const IMPORT = `mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created failed employments { employee { id } } } }`;

/**
 * `n` hires spread evenly over the tenants, imported with importHires (up to 5 000 rows a request),
 * all tenants at once. Returns each hire's address and employee id, and when each tenant's import answered.
 */
export async function importHires(
  gql: Gql,
  tenants: BenchTenant[],
  n: number,
  startDate: string,
): Promise<{ emails: string[]; employeeIds: { tenant: BenchTenant; id: string }[]; finishedAt: number[] }> {
  const run = tag();
  const finishedAt: number[] = [];
  const emails: string[] = [];
  const employeeIds: { tenant: BenchTenant; id: string }[] = [];
  await Promise.all(
    tenants.map(async (tenant, t) => {
      const count = Math.floor(n / tenants.length) + (t < n % tenants.length ? 1 : 0);
      const rows = Array.from({ length: count }, (_, i) => ({
        firstName: `Anna${i}`,
        lastName: "Berg",
        email: `hire.${run}.${t}.${i}@example.org`,
        startDate,
        employmentTemplateId: tenant.templateId,
        externalId: `bench-${run}-${t}-${i}`,
      }));
      for (let i = 0; i < rows.length; i += 5000) {
        const chunk = rows.slice(i, i + 5000);
        const report = (await gql(IMPORT, { rows: chunk }, tenant.key)).importHires;
        if (report.created !== chunk.length) throw new Error(`import created ${report.created} of ${chunk.length}`);
        for (const e of report.employments) employeeIds.push({ tenant, id: e.employee.id });
      }
      emails.push(...rows.map((r) => r.email));
      finishedAt.push(Date.now());
    }),
  );
  return { emails, employeeIds, finishedAt };
}

export interface PreparedBurst {
  /** Date.now() at which every hire falls due */
  dueAt: number;
  emails: string[];
  employeeIds: { tenant: BenchTenant; id: string }[];
  importSeconds: number;
}

/**
 * `n` hires starting on 14 July next year, imported on the evening of 12 July tenant-local (22:00Z),
 * so that the service plans each send for 09:00 tenant-local on 13 July — 08:00Z in all ZONES, ten
 * hours later — and hands one job per tenant to the job store. Then it skips those ten hours: the
 * clock jumps to `leadMs` before the instant, and the send jobs are moved along with it (taken out of
 * the job store and scheduled again for the same instant, as the import did, in the new mapping of the
 * clock to this machine's time). From there on everything runs as in production at 09:00.
 * Returns the instant in this machine's time (Date.now()).
 */
export async function prepareBurst(
  app: App,
  clock: Clock,
  n: number,
  options: { tenants?: BenchTenant[]; leadMs?: number; afterImport?: () => Promise<void> } = {},
): Promise<PreparedBurst> {
  const year = new Date().getUTCFullYear() + 1;
  const sendAt = new Date(Date.UTC(year, 6, 13, 8, 0, 0));
  clock.setNow(new Date(sendAt.getTime() - 10 * 3600_000));
  const gql = gqlAt(app.url);
  const tenants = options.tenants ?? (await createTenants(gql));
  const started = Date.now();
  const { emails, employeeIds } = await importHires(gql, tenants, n, `${year}-07-14`);
  const importSeconds = (Date.now() - started) / 1000;
  await options.afterImport?.(); // e.g. the import's webhooks delivered, before the burst

  const plannedAt = clock.toSystemTime(sendAt).getTime();
  const jobs = (await app.agenda.queryJobs({ name: SEND_DUE_INVITATIONS })).jobs.filter((job) => job.nextRunAt && Math.abs(new Date(job.nextRunAt).getTime() - plannedAt) < 1000);
  if (jobs.length !== tenants.length) throw new Error(`expected ${tenants.length} send jobs at the instant, found ${jobs.length}`);
  const pending = jobs.map((job) => (job.data as { tenantId: string }).tenantId);
  await app.agenda.cancel({ ids: jobs.map((job) => job._id) });
  clock.setNow(new Date(sendAt.getTime() - (options.leadMs ?? 4000)));
  const scheduler = new AgendaInvitationJobs(app.agenda, clock);
  for (const tenantId of pending) await scheduler.scheduleDueSends(tenantId, sendAt);
  return { dueAt: clock.toSystemTime(sendAt).getTime(), emails, employeeIds, importSeconds };
}

/** CPU seconds used by each process of the machine, to tell where a run's time went. */
export async function cpuSnapshot(): Promise<Map<number, { name: string; seconds: number }>> {
  const result = new Map<number, { name: string; seconds: number }>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      result.set(Number(entry), { name, seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // the process ended meanwhile
    }
  }
  return result;
}

/** CPU seconds between two snapshots, by process name (`labels` names some pids: this process, children). */
export function cpuUsed(before: Map<number, { name: string; seconds: number }>, after: Map<number, { name: string; seconds: number }>, labels: Record<number, string>): string {
  const byName = new Map<string, number>();
  for (const [pid, { name, seconds }] of after) {
    const used = seconds - (before.get(pid)?.seconds ?? 0);
    if (used <= 0) continue;
    const label = labels[pid] ?? (name === "node" || name === "MainThread" ? "other node processes (not this benchmark)" : name);
    byName.set(label, (byName.get(label) ?? 0) + used);
  }
  return [...byName.entries()]
    .filter(([, s]) => s >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${s.toFixed(1)}`)
    .join(", ");
}

/** The machine's CPU time by state (/proc/stat, in seconds summed over all cores). */
export async function machineCpu(): Promise<number[]> {
  const line = (await readFile("/proc/stat", "utf8")).split("\n")[0]!;
  return line.trim().split(/\s+/).slice(1, 9).map((v) => Number(v) / 100);
}

/** "busy 1.62 of 2 cores (iowait 0.05, steal 0.00)" between two readings of machineCpu(). */
export function machineLoad(before: number[], after: number[], cores: number): string {
  const d = after.map((v, i) => v - before[i]!);
  const seconds = d.reduce((a, b) => a + b, 0) / cores;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = d as [number, number, number, number, number, number, number, number];
  const busy = user + nice + system + irq + softirq;
  return `busy ${(busy / seconds).toFixed(2)} of ${cores} cores, iowait ${(iowait / seconds).toFixed(2)}, idle ${(idle / seconds).toFixed(2)}, steal ${(steal / seconds).toFixed(2)}`;
}

/** CPU seconds the machine was busy (all cores, all processes) between two readings of machineCpu(). */
export function machineBusySeconds(before: number[], after: number[]): number {
  const d = after.map((v, i) => v - before[i]!);
  return d[0]! + d[1]! + d[2]! + d[5]! + d[6]!;
}

/** MariaDB's statement counters (server-wide: other clients of the server count too). */
export async function mariaDbCounters(): Promise<Record<string, number>> {
  const c = await mysql.createConnection(mysqlUrl);
  try {
    const [rows] = await c.query(`SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select', 'Com_update', 'Com_insert', 'Com_commit', 'Questions')`);
    return Object.fromEntries((rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, Number(r.Value)]));
  } finally {
    await c.end();
  }
}

/** Statements per mail between two readings of mariaDbCounters(). */
export function statementsPerMail(before: Record<string, number>, after: Record<string, number>, mails: number): string {
  const per = (name: string) => ((after[name]! - before[name]!) / mails).toFixed(2);
  return `SELECT ${per("Com_select")}, UPDATE ${per("Com_update")}, INSERT ${per("Com_insert")}, all ${per("Questions")}`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
