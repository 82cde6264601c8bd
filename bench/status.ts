// How fast the service answers `accountStatus` (the query the mobile app and HR frontends poll), next
// to a bare Apollo Server on the same machine, and what a burst of sends does to its latency.
//   npm run build && node dist/bench/status.js [HIRES] [BURST]   (default 300 hires, a burst of 5 000)
//   BENCH_SECONDS=10 BENCH_CONCURRENCY=16   how long and how many requests at a time
//   BENCH_JOBS=redis   the job store on Redis instead of a fresh PostgreSQL database
//   BENCH_PHASES=idle   only parts 1-2
//   BENCH_WORKER_NICE=0   the worker process of part 3 at that nice level (its WORKER_NICE; by default the
//                         service's own, 10), the api process at 0
// The service runs as production runs it: one ROLE=api process (dist/src/main.js) answering the
// queries and, for part 3, one ROLE=worker process sending, on MariaDB and a real job store. The load
// comes from a worker thread of this process with fetch (undici, keep-alive): BENCH_CONCURRENCY
// requests in flight for BENCH_SECONDS, after a 2 s warm-up. Side by side:
//  1. accountStatus with a real HR_ADMIN key, rotating over HIRES registered hires; for comparison the
//     same process answering `{ __typename }` without a key (no SQL) and with the key (its lookup);
//  2. a bare Apollo Server (@apollo/server + @as-integrations/express5, express 5, in this process)
//     answering the constant query `{ ok }`;
//  3. accountStatus again while BURST invitations of five other tenants, all due, are sent: they are
//     imported while no worker runs, then a worker starts — the burst begins at that instant. Latency
//     over the burst vs idle, at BENCH_CONCURRENCY and at a light load of 2 requests at a time.
// Asserts nothing.
import "reflect-metadata";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import {
  ZONES,
  cpuSnapshot,
  createTenants,
  freshJobStore,
  freshMariaDb,
  gqlAt,
  importHires,
  jobsKind,
  machineBusySeconds,
  machineCpu,
  mariaDbCounters,
  mysqlUrl,
  serviceEnv,
  startChild,
  type Child,
} from "./support/burst.js";
import { drive, start, summarize, type LoadOptions } from "./support/load.js";
import { startSmtpSink } from "./support/smtp-sink.js";

const HIRES = Number(process.argv[2] ?? 300);
const BURST = Number(process.argv[3] ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP_MS = 2000;
/** a light load as well: latency when the queries alone do not fill the process */
const LIGHT = 2;
/** the worker's WORKER_NICE: its CPU priority below the api process's (one machine for both); unset, the service's default */
const WORKER_NICE = process.env.BENCH_WORKER_NICE;
const phases = new Set((process.env.BENCH_PHASES ?? "idle,burst").split(","));

// the query of test/support/hires.ts (ACCOUNT_STATUS)
const ACCOUNT_STATUS = `query Status($id: ID!) {
  accountStatus(employeeId: $id) { employeeId connectStatus email
    invitation { id email status sendAt sentAt expiresAt verifiedAt attempts lastError }
    connectAccount { id email method createdAt } } }`;

const ms = (v: number) => `${v.toFixed(1)} ms`;
const line = (label: string, r: ReturnType<typeof summarize> & { cpu?: Record<string, number> }) => {
  console.log(`   ${label.padEnd(44)}${Math.round(r.perSecond).toString().padStart(6)} req/s   p50 ${ms(r.p50).padStart(8)}   p99 ${ms(r.p99).padStart(8)}   (${r.requests} requests)`);
  if (r.cpu) console.log(`      CPU per request: api process ${r.cpu.api!.toFixed(2)} ms, this process (load${label.startsWith("bare") ? " + the bare server" : ""}) ${r.cpu.load!.toFixed(2)} ms, MariaDB ${r.cpu.mariadb!.toFixed(2)} ms; the machine ${r.cpu.machine!.toFixed(2)} ms`);
};

/** the service's api process, once started: its CPU is told apart from the rest */
let apiPid = 0;

async function measure(options: Omit<LoadOptions, "concurrency" | "durationMs">, concurrency: number) {
  await drive({ ...options, concurrency, durationMs: WARMUP_MS });
  const sql = await mariaDbCounters();
  const [processes, machine] = [await cpuSnapshot(), await machineCpu()];
  const result = await drive({ ...options, concurrency, durationMs: SECONDS * 1000 });
  const [processesAfter, machineAfter] = [await cpuSnapshot(), await machineCpu()];
  if (result.errors) throw new Error(`${result.errors} requests failed, e.g. ${result.firstError}`);
  const summary = summarize(result);
  // CPU per request, in ms: where the machine's time went
  const used = (pid: number) => (processesAfter.get(pid)?.seconds ?? 0) - (processes.get(pid)?.seconds ?? 0);
  const mariadb = [...processesAfter].filter(([, p]) => p.name === "mariadbd").reduce((sum, [pid]) => sum + used(pid), 0);
  const perRequest = (seconds: number) => (seconds * 1000) / summary.requests;
  const cpu = { api: perRequest(used(apiPid)), load: perRequest(used(process.pid)), mariadb: perRequest(mariadb), machine: perRequest(machineBusySeconds(machine, machineAfter)) };
  return { ...summary, cpu, statements: ((await mariaDbCounters()).Questions! - sql.Questions!) / summary.requests };
}

async function bareApollo(): Promise<{ url: string; stop(): Promise<void> }> {
  const httpServer = createServer();
  const apollo = new ApolloServer({
    typeDefs: `type Query { ok: Boolean! }`,
    resolvers: { Query: { ok: () => true } },
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
  });
  await apollo.start();
  const app = express();
  app.use("/graphql", express.json({ limit: "10mb" }), expressMiddleware(apollo));
  httpServer.on("request", app);
  await new Promise<void>((resolve) => httpServer.listen(0, resolve));
  return { url: `http://localhost:${(httpServer.address() as AddressInfo).port}`, stop: () => apollo.stop() };
}

const sink = await startSmtpSink();
const db = await freshMariaDb();
const jobs = await freshJobStore();
const env = serviceEnv({ database: db.url, jobs: jobs.url, smtp: sink.url });
const children: Child[] = [];
console.log(`accountStatus, ${CONCURRENCY} requests at a time for ${SECONDS} s; MariaDB (${new URL(mysqlUrl).host}), ${jobsKind} job store, ${new Date().toISOString()}`);
try {
  const api = await startChild({ ...env, ROLE: "api" });
  children.push(api);
  apiPid = api.pid;
  // one tenant's hires, planned for a start far ahead: each has a user and a scheduled invitation
  const gql = gqlAt(api.url);
  const [tenant] = await createTenants(gql, ["Europe/Stockholm"]);
  const { employeeIds } = await importHires(gql, [tenant!], HIRES, "2031-03-03");
  const status = {
    url: `${api.url}/graphql`,
    headers: { "content-type": "application/json", authorization: `Bearer ${tenant!.key}` },
    bodies: employeeIds.map(({ id }) => JSON.stringify({ query: ACCOUNT_STATUS, variables: { id } })),
  };

  console.log(`\n1-2. Idle: ${HIRES} hires registered; the service in one ROLE=api process`);
  const ours = await measure(status, CONCURRENCY);
  line("accountStatus (the service, real key)", ours);
  console.log(`      MariaDB statements per request ${ours.statements.toFixed(1)}`);
  // the same polling spread over five tenants, each with its own key, in turn: the reads of one
  // tenant that arrive together share a statement, so here they share fewer
  const spread = await createTenants(gql);
  const spreadIds = (await importHires(gql, spread, HIRES, "2031-03-03")).employeeIds;
  const byTenant = spread.map((t) => spreadIds.filter((e) => e.tenant === t));
  const turns = Array.from({ length: Math.max(...byTenant.map((ids) => ids.length)) }, (_, i) => byTenant.map((ids) => ids[i]).filter((e) => e !== undefined)).flat();
  const tenants = await measure(
    {
      ...status,
      bodies: turns.map(({ id }) => JSON.stringify({ query: ACCOUNT_STATUS, variables: { id } })),
      bodyHeaders: turns.map(({ tenant: t }) => ({ ...status.headers, authorization: `Bearer ${t.key}` })),
    },
    CONCURRENCY,
  );
  line(`accountStatus, ${spread.length} tenants in turn`, tenants);
  console.log(`      MariaDB statements per request ${tenants.statements.toFixed(1)}`);
  // where the difference goes: the same process answering without the database, without and with the key
  const typename = JSON.stringify({ query: "{ __typename }" });
  const noDb = await measure({ ...status, headers: { "content-type": "application/json" }, bodies: [typename] }, CONCURRENCY);
  line("{ __typename }, no key (no SQL)", noDb);
  const keyOnly = await measure({ ...status, bodies: [typename] }, CONCURRENCY);
  line("{ __typename } with the key (remembered: no SQL)", keyOnly);
  const bare = await bareApollo();
  const baseline = await measure({ url: `${bare.url}/graphql`, headers: { "content-type": "application/json" }, bodies: [JSON.stringify({ query: "{ ok }" })] }, CONCURRENCY);
  await bare.stop();
  line("bare Apollo Server, { ok }", baseline);
  console.log(`   accountStatus: ${((ours.perSecond / baseline.perSecond) * 100).toFixed(0)} % of the bare requests/s (target ≥ 50 %), p99 ${(ours.p99 / baseline.p99).toFixed(1)}x the bare p99 (target ≤ 3x)`);
  console.log(`   accountStatus, ${spread.length} tenants: ${((tenants.perSecond / baseline.perSecond) * 100).toFixed(0)} % of the bare requests/s, p99 ${(tenants.p99 / baseline.p99).toFixed(1)}x the bare p99`);

  if (phases.has("burst")) {
    console.log(`\n3. During a burst: ${BURST} invitations of ${ZONES.length} other tenants, all due, sent by one ROLE=worker process (WORKER_NICE ${WORKER_NICE ?? "unset: 10"}) that starts at the instant`);
    const burstTenants = await createTenants(gql);
    for (const concurrency of [CONCURRENCY, LIGHT]) {
      await importHires(gql, burstTenants, BURST, "2020-01-06"); // started long ago: due now, but no worker runs yet
      await sink.reset();
      const idle = concurrency === CONCURRENCY ? ours : await measure(status, concurrency);
      const load = start({ ...status, concurrency, durationMs: 10 * 60_000 });
      await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
      const startedAt = Date.now();
      const worker = await startChild({ ...env, ROLE: "worker", ...(WORKER_NICE === undefined ? {} : { WORKER_NICE }) });
      const mails = await sink.waitFor(BURST, 10 * 60_000);
      load.stop();
      const during = await load.result;
      await worker.stop();
      if (during.errors) console.log(`   ${during.errors} requests failed, e.g. ${during.firstError}`);
      const inBurst = summarize(during, mails.first!, mails.last!);
      const seconds = (mails.last! - mails.first!) / 1000;
      console.log(`   ${concurrency} at a time:`);
      line("accountStatus idle", idle);
      line(`accountStatus during the burst (${seconds.toFixed(1)} s)`, inBurst);
      console.log(`   burst: first mail ${((mails.first! - startedAt) / 1000).toFixed(2)} s after the worker was started, then ${BURST} mails in ${seconds.toFixed(2)} s (${Math.round(BURST / seconds)} mails/s) beside the queries`);
      console.log(`   accountStatus p99 during the burst: ${(inBurst.p99 / idle.p99).toFixed(1)}x the idle p99 (target ≤ 2x)`);
    }
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const child of children.reverse()) await child.stop();
  await sink.close();
  await db.drop();
  await jobs.drop();
  process.exit(process.exitCode ?? 0);
}
