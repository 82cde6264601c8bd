// Measures what the embedded database (PGlite served by pglite-socket) can and cannot do, next to
// the real PostgreSQL and MariaDB on this machine. Prints numbers; asserts nothing.
//   npm run build && node dist/bench/embedded-db.js
import "reflect-metadata";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import { EmbeddedPostgres } from "../src/db/embedded-postgres.js";
import { createLogger } from "../src/log.js";

const ROWS = 2000;
const postgresUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const mysqlUrl = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

async function pgFacts(label: string, url: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const a = await pool.connect();
  const b = await pool.connect();
  await a.query("DROP TABLE IF EXISTS bench_rows");
  await a.query("CREATE TABLE bench_rows (id serial primary key, name text, at timestamp(3))");

  // 1. Is session state shared between connections?
  await a.query("SET application_name = 'conn-a'");
  const seenByB = (await b.query("SHOW application_name")).rows[0].application_name;

  // 2. Does an open transaction on one connection block statements on another?
  await a.query("BEGIN");
  await a.query("INSERT INTO bench_rows (name, at) VALUES ('in-tx', now())");
  const t0 = Date.now();
  const other = b.query("SELECT count(*) FROM bench_rows").then(() => Date.now() - t0);
  const timer = new Promise<number>((resolve) => setTimeout(() => resolve(-1), 300));
  const waited = await Promise.race([other, timer]);
  await a.query("COMMIT");
  const otherFinished = await other;

  // 3. Does NOTIFY on one connection reach LISTEN on another?
  let notified = false;
  b.on("notification", () => (notified = true));
  await b.query("LISTEN bench_channel");
  await a.query("NOTIFY bench_channel, 'hello'");
  await new Promise((r) => setTimeout(r, 300));

  // 4. Single-row inserts, one statement each, 4 connections in parallel.
  a.release();
  b.release();
  let start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 4 }, async (_, worker) => {
      for (let i = worker; i < ROWS; i += 4) await pool.query("INSERT INTO bench_rows (name, at) VALUES ($1, $2)", [`row ${i}`, new Date()]);
    }),
  );
  const singleRowsPerSecond = ROWS / (Number(process.hrtime.bigint() - start) / 1e9);

  // 5. Point reads by primary key.
  start = process.hrtime.bigint();
  for (let i = 1; i <= ROWS; i++) await pool.query("SELECT * FROM bench_rows WHERE id = $1", [i]);
  const readsPerSecond = ROWS / (Number(process.hrtime.bigint() - start) / 1e9);

  await pool.query("DROP TABLE bench_rows");
  await pool.end();
  console.log(
    `${label.padEnd(22)} session shared: ${seenByB === "conn-a" ? "yes" : "no "}  open tx blocks others: ${waited === -1 ? `yes (waited until commit, ${otherFinished} ms)` : `no (${waited} ms)`}  NOTIFY across connections: ${notified ? "yes" : "no "}  inserts/s: ${singleRowsPerSecond.toFixed(0).padStart(6)}  pk reads/s: ${readsPerSecond.toFixed(0).padStart(6)}`,
  );
}

async function mysqlFacts(): Promise<void> {
  const pool = mysql.createPool({ uri: mysqlUrl, connectionLimit: 4 });
  await pool.query("DROP TABLE IF EXISTS bench_rows");
  await pool.query("CREATE TABLE bench_rows (id int auto_increment primary key, name text, at datetime(3))");
  let start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 4 }, async (_, worker) => {
      for (let i = worker; i < ROWS; i += 4) await pool.query("INSERT INTO bench_rows (name, at) VALUES (?, ?)", [`row ${i}`, new Date()]);
    }),
  );
  const inserts = ROWS / (Number(process.hrtime.bigint() - start) / 1e9);
  start = process.hrtime.bigint();
  for (let i = 1; i <= ROWS; i++) await pool.query("SELECT * FROM bench_rows WHERE id = ?", [i]);
  const reads = ROWS / (Number(process.hrtime.bigint() - start) / 1e9);
  await pool.query("DROP TABLE bench_rows");
  await pool.end();
  console.log(`${"MariaDB".padEnd(22)} (separate sessions, row locks, no NOTIFY)                                      inserts/s: ${inserts.toFixed(0).padStart(6)}  pk reads/s: ${reads.toFixed(0).padStart(6)}`);
}

const dir = await mkdtemp(path.join(tmpdir(), "bench-embedded-"));
const startAt = Date.now();
const embedded = await EmbeddedPostgres.start(dir, createLogger("silent"));
console.log(`embedded database start: ${Date.now() - startAt} ms (first start in an empty folder)`);
try {
  await pgFacts("embedded (PGlite)", embedded.url);
} finally {
  await embedded.stop();
  await rm(dir, { recursive: true, force: true });
}
await pgFacts("PostgreSQL server", postgresUrl);
await mysqlFacts();
