// What the subscriptions' cross-process feed costs and how late it hears, on MariaDB (src/services/event-feed.ts):
//   npm run build && node dist/bench/subscriptions.js [EVENTS_IN_TABLE]   (default 200 000)
// 1. The cost of one poll on a table of EVENTS_IN_TABLE events: the read above the cursor when nothing
//    is new (what every poll of an idle system costs), and the overlap re-read (once a second) with
//    0, 550 and 5 500 ids in its 10 s window (a send burst of one worker is ~550 events a second);
//    from them the database's work per second for N api processes that have subscribers.
// 2. The lag from an event's COMMIT (in another connection, as a worker's) to a listener of the feed,
//    at 50 events a second for 10 s, with the default poll (200 ms) and 50 ms; beside it the lag of a
//    Redis pub/sub message published right after the commit (the notification alternative).
// Asserts nothing.
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { App } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { EmploymentEvent } from "../src/entities/index.js";
import { createLogger } from "../src/log.js";
import { EmploymentEventFeed, idFloor } from "../src/services/event-feed.js";
import { employmentEvent, SYSTEM } from "../src/services/history.js";
import { eventIdsBetween, eventsAfter } from "../src/sql/tailEmploymentEvents.js";
import { freshMariaDb, OPERATOR_KEY, redisUrl } from "./support/burst.js";

const IN_TABLE = Number(process.argv[2] ?? 200_000);
const log = createLogger("silent");

const db = await freshMariaDb();
const config = loadConfig({ DATABASE_URL: db.url, JOBS_URL: `${redisUrl}?prefix=bench-subs-${randomBytes(3).toString("hex")}:`, OPERATOR_API_KEY: OPERATOR_KEY, PORT: "0", LOG_LEVEL: "silent" });
const app = await App.create(config, log);
await app.start();
const gql = async (query: string, variables: Record<string, unknown>, key: string) => {
  const response = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
  return ((await response.json()) as { data: any }).data;
};
try {
  const tenant = await gql(`mutation { createTenant(input: { name: "Bench AB" }) { adminApiKey tenant { id } } }`, {}, OPERATOR_KEY);
  const key = tenant.createTenant.adminApiKey as string;
  const tenantId = tenant.createTenant.tenant.id as string;
  const template = await gql(`mutation { createEmploymentTemplate(input: { name: "Consultant" }) { id } }`, {}, key);
  const hire = await gql(`mutation($t: ID!) { registerHire(input: { firstName: "A", lastName: "B", startDate: "2030-01-10", employmentTemplateId: $t }) { employment { id } } }`, { t: template.createEmploymentTemplate.id }, key);
  const employmentId = hire.registerHire.employment.id as string;
  const manager = app.dataSource.manager;
  const event = (at = new Date()) => employmentEvent({ tenantId, employmentId, kind: "RESENT", at, actor: SYSTEM }, { employeeId: "x", externalId: null, connectStatus: "INVITATION_SCHEDULED" });

  // the table: IN_TABLE events over the last 30 days (ids of their instants), then windows of recent ones
  const now = Date.now();
  for (let done = 0; done < IN_TABLE; done += 1000) {
    const rows = Array.from({ length: Math.min(1000, IN_TABLE - done) }, (_, i) => {
      const ms = now - 30 * 86_400_000 + Math.floor(((done + i) / IN_TABLE) * 29 * 86_400_000);
      const row = event(new Date(ms));
      row.id = idFloor(ms).slice(0, 14) + "7" + randomBytes(9).toString("hex").slice(0, 3) + "-8" + randomBytes(8).toString("hex").slice(0, 3) + "-" + randomBytes(6).toString("hex");
      return row;
    });
    await manager.insert(EmploymentEvent, rows);
  }
  const timed = async (runs: number, work: () => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await work();
    const started = performance.now();
    for (let i = 0; i < runs; i++) await work();
    return (performance.now() - started) / runs;
  };
  const cursor = idFloor(Date.now());
  const emptyPoll = await timed(2000, () => eventsAfter(manager, cursor, idFloor(Date.now() + 10_000)));
  console.log(`\n1. one poll, ${IN_TABLE} events in the table (MariaDB, round trip from this process)`);
  console.log(`   nothing new above the cursor: ${emptyPoll.toFixed(3)} ms`);
  const overlap: Record<number, number> = {};
  for (const inWindow of [0, 550, 5500]) {
    const base = Date.now() + 3_600_000 * (inWindow + 1); // a window of its own, in the future
    const rows = Array.from({ length: inWindow }, (_, i) => {
      const row = event();
      row.id = idFloor(base + Math.floor((i / Math.max(1, inWindow)) * 10_000)).slice(0, 14) + "7" + randomBytes(2).toString("hex").slice(0, 3) + "-8" + randomBytes(2).toString("hex").slice(0, 3) + "-" + randomBytes(6).toString("hex");
      return row;
    });
    for (let i = 0; i < rows.length; i += 1000) await manager.insert(EmploymentEvent, rows.slice(i, i + 1000));
    overlap[inWindow] = await timed(200, () => eventIdsBetween(manager, idFloor(base - 1), idFloor(base + 10_001)));
    console.log(`   the overlap re-read with ${inWindow} ids in its window: ${overlap[inWindow]!.toFixed(3)} ms`);
  }
  console.log(`   per second, N api processes with subscribers, polling every 200 ms (5 polls + 1 overlap read each):`);
  for (const n of [1, 4, 16]) {
    const idle = n * (5 * emptyPoll + overlap[0]!);
    const burst = n * (5 * emptyPoll + overlap[5500]!);
    console.log(`   N=${n}: ${n * 6} statements/s; ${idle.toFixed(1)} ms of round trips/s idle, ${burst.toFixed(1)} ms/s with 5 500 events in the window`);
  }

  // 2. lag
  await manager.query("DELETE FROM employment_event WHERE id > ?", [idFloor(Date.now() + 60_000)]); // the future windows
  const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
  console.log(`\n2. lag from commit to a listener, 50 events/s for 10 s`);
  for (const pollMs of [200, 50]) {
    const feed = new EmploymentEventFeed(app.dataSource, { pollMs, overlapMs: 10_000 }, log);
    const committedAt = new Map<string, number>();
    const lags: number[] = [];
    const stop = feed.listen(tenantId, (tailed) => {
      const at = committedAt.get(tailed.event.id);
      if (at !== undefined) lags.push(performance.now() - at);
    });
    await feed.running();
    const writer = app.dataSource.createQueryRunner();
    await writer.connect();
    for (let i = 0; i < 500; i++) {
      const row = event();
      await writer.startTransaction();
      await writer.manager.insert(EmploymentEvent, row);
      committedAt.set(row.id, performance.now()); // from the COMMIT: another connection may see the row before the writer has the answer
      await writer.commitTransaction();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs * 3));
    stop();
    await feed.stop();
    await writer.release();
    console.log(`   poll ${pollMs} ms: heard ${lags.length}/500; p50 ${percentile(lags, 50).toFixed(1)} ms, p99 ${percentile(lags, 99).toFixed(1)} ms, max ${Math.max(...lags).toFixed(1)} ms`);
  }
  const publisher = new Redis(redisUrl);
  const subscriber = new Redis(redisUrl);
  await subscriber.subscribe("bench-subscriptions");
  const lags: number[] = [];
  const sentAt = new Map<string, number>();
  subscriber.on("message", (_channel, id: string) => lags.push(performance.now() - sentAt.get(id)!));
  const writer = app.dataSource.createQueryRunner();
  await writer.connect();
  for (let i = 0; i < 500; i++) {
    const row = event();
    await writer.startTransaction();
    await writer.manager.insert(EmploymentEvent, row);
    sentAt.set(row.id, performance.now());
    await writer.commitTransaction();
    await publisher.publish("bench-subscriptions", row.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  await writer.release();
  publisher.disconnect();
  subscriber.disconnect();
  console.log(`   Redis pub/sub after the commit: heard ${lags.length}/500; p50 ${percentile(lags, 50).toFixed(2)} ms, p99 ${percentile(lags, 99).toFixed(2)} ms, max ${Math.max(...lags).toFixed(2)} ms`);
} finally {
  await app.stop(1000);
  await db.drop();
}
