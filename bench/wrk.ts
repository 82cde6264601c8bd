// accountStatus against a fair anchor (issue #16): both sides in processes of their own, loaded by wrk
// (a C load generator, Debian package `wrk`) in a third process, so neither side pays for the load.
//   npm run build && node dist/bench/wrk.js
//   BENCH_WRK="-t2 -c16 -d8s"   wrk's threads, connections and duration (after a 2 s warm-up with the same)
//   BENCH_STORES=mariadb,embedded   which databases the service runs on
//   BENCH_ROUNDS=3   measure each side this many times, alternating, and print each side's median run
//   BENCH_BARE=standalone,express,roundtrip   which bare servers; the first is the anchor the ratios are taken to
// Side by side, in one run:
//  - bare: Apollo Server 5 answering `{ status }` (bench/support/bare-apollo.ts), NODE_ENV=production: its standalone
//    server (the anchor), the same on express 5, and the standalone server asking MariaDB once per request
//    (the physical limit: bare + one database round trip);
//  - the service (dist/src/main.js, ROLE=api, NODE_ENV=production, LOG_LEVEL=warn, the per-key rate
//    limit out of reach) answering accountStatus of one hire with one HR_ADMIN key, on MariaDB (with a
//    PostgreSQL job store) and on the embedded database.
// Prints req/s, p50, p99 and the ratios to bare. Asserts nothing.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createTenants, freshJobStore, freshMariaDb, gqlAt, importHires, serviceEnv, startChild, type Child } from "./support/burst.js";
import { startSmtpSink } from "./support/smtp-sink.js";

const run = promisify(execFile);
const WRK = (process.env.BENCH_WRK ?? "-t2 -c16 -d8s").split(" ").filter(Boolean);
const STORES = (process.env.BENCH_STORES ?? "mariadb,embedded").split(",").filter(Boolean);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const BARES = (process.env.BENCH_BARE ?? "standalone,express,roundtrip").split(",").filter(Boolean);

// the query of bench/status.ts and test/support/hires.ts (ACCOUNT_STATUS)
const ACCOUNT_STATUS = `query Status($id: ID!) {
  accountStatus(employeeId: $id) { employeeId connectStatus email
    invitation { id email status sendAt sentAt expiresAt verifiedAt attempts lastError }
    connectAccount { id email method createdAt } } }`;

interface Figures {
  requests: number;
  perSecond: number;
  /** CPU time the serving process spent per request (user + system, from /proc): steadier than req/s on a busy machine */
  cpuUs: number;
  p50: number;
  p99: number;
  non2xx: number;
}

const LUA = `wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("WRK_AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
`;

const toMs = (value: string, unit: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit]!;

async function wrk(script: string, url: string, body: string, auth: string, args: string[]): Promise<Figures> {
  const { stdout } = await run("wrk", [...args, "--latency", "-s", script, url], { env: { ...process.env, WRK_BODY: body, WRK_AUTH: auth } });
  const perSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, "m").exec(stdout);
    return match ? toMs(match[1]!, match[2]!) : NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  return { perSecond, requests, p50: percentile("50"), p99: percentile("99"), non2xx, cpuUs: NaN };
}

/** A 2 s warm-up, then the measured run; checks once that the body answers data, not errors. */
/** CPU seconds (user + system) a process has used so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ: 100 on Linux)
}

async function measure(script: string, baseUrl: string, body: string, auth: string, pid: number): Promise<Figures> {
  const check = await fetch(`${baseUrl}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) }, body });
  const answer = (await check.json()) as { data?: unknown; errors?: unknown };
  if (!answer.data || answer.errors) throw new Error(`the query fails: ${JSON.stringify(answer)}`);
  const duration = WRK.findIndex((a) => a.startsWith("-d"));
  await wrk(script, `${baseUrl}/graphql`, body, auth, [...WRK.filter((_, i) => i !== duration), "-d2s"]);
  const before = await cpuSeconds(pid);
  const figures = await wrk(script, `${baseUrl}/graphql`, body, auth, WRK);
  return { ...figures, cpuUs: ((await cpuSeconds(pid)) - before) / figures.requests * 1e6 };
}

const line = (label: string, f: Figures, bare?: Figures) =>
  console.log(
    `  ${label.padEnd(34)}${Math.round(f.perSecond).toString().padStart(7)} req/s   p50 ${f.p50.toFixed(2).padStart(6)} ms   p99 ${f.p99.toFixed(2).padStart(6)} ms   ${Math.round(f.cpuUs).toString().padStart(4)} µs CPU/req` +
      (bare ? `   ${((f.perSecond / bare.perSecond) * 100).toFixed(0).padStart(3)} % of bare, p99 ${(f.p99 / bare.p99).toFixed(1)}× bare, CPU/req ${(f.cpuUs / bare.cpuUs).toFixed(1)}× bare` : "") +
      (f.non2xx ? `   (${f.non2xx} non-2xx!)` : ""),
  );

/** The run of median req/s (its p50, p99 and CPU with it). */
function median(runs: Figures[]): Figures {
  return [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor((runs.length - 1) / 2)]!;
}

const dir = await mkdtemp(path.join(tmpdir(), "bench-wrk-"));
const script = path.join(dir, "post.lua");
await writeFile(script, LUA);
const children: Child[] = [];
const cleanups: Array<() => Promise<void>> = [];
console.log(`accountStatus under wrk ${WRK.join(" ")} (after a 2 s warm-up), ${new Date().toISOString()}`);
try {
  /** What is measured: a running server and the request it answers. */
  const targets: Array<{ label: string; child: Child; body: string; auth: string; runs: Figures[] }> = [];
  // the anchor: Apollo's standalone server; beside it the same on express 5 (as the service serves), for
  // scale, and the standalone server with one MariaDB round trip per request (the physical limit)
  for (const kind of BARES) {
    let env: Record<string, string> = { NODE_ENV: "production", BARE: kind };
    if (kind === "roundtrip") {
      const db = await freshMariaDb();
      cleanups.push(db.drop);
      env = { ...env, BARE_MYSQL_URL: db.url };
    }
    const bare = await startChild(env, "dist/bench/support/bare-apollo.js", { anyAnswer: true });
    children.push(bare);
    targets.push({ label: `bare Apollo Server, ${kind}`, child: bare, body: JSON.stringify({ query: "{ status }" }), auth: "", runs: [] });
  }

  const sink = await startSmtpSink();
  cleanups.push(() => sink.close());
  for (const store of STORES) {
    let env: Record<string, string>;
    if (store === "mariadb") {
      const [db, jobs] = [await freshMariaDb(), await freshJobStore()];
      cleanups.push(db.drop, jobs.drop);
      env = serviceEnv({ database: db.url, jobs: jobs.url, smtp: sink.url });
    } else {
      const dataDir = path.join(dir, "embedded");
      env = serviceEnv({ database: "", jobs: "", smtp: sink.url }, { DATA_DIR: dataDir });
      delete env.DATABASE_URL;
      delete env.JOBS_URL;
    }
    const api = await startChild({ ...env, ROLE: store === "embedded" ? "all" : "api", NODE_ENV: "production" });
    children.push(api);
    const gql = gqlAt(api.url);
    const [tenant] = await createTenants(gql, ["Europe/Stockholm"]);
    const { employeeIds } = await importHires(gql, [tenant!], 1, "2031-03-03");
    const body = JSON.stringify({ query: ACCOUNT_STATUS, variables: { id: employeeIds[0]!.id } });
    targets.push({ label: `the service, accountStatus, ${store}`, child: api, body, auth: `Bearer ${tenant!.key}`, runs: [] });
  }

  // every server stays up and idle while another is measured; rounds alternate them, so that a slow
  // minute of the VM falls on all sides alike; each side's median run is printed
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of targets) {
      const figures = await measure(script, target.child.url, target.body, target.auth, target.child.pid);
      target.runs.push(figures);
      if (ROUNDS > 1) line(`round ${round}: ${target.label}`, figures, targets[0]!.runs[round - 1]);
    }
  }
  if (ROUNDS > 1) console.log(`medians of ${ROUNDS} rounds:`);
  const anchor = median(targets[0]!.runs);
  for (const target of targets) line(target.label, median(target.runs), target === targets[0] ? undefined : anchor);
} finally {
  for (const child of children) await child.stop();
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
