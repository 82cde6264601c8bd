// How fast hires are imported, next to what the database itself can do with the same rows.
//   npm run build && node dist/bench/import.js [ROWS]      (default 10 000; needs MariaDB and Redis)
// Prints rows/s of: importHires over HTTP (one request), registerHire one by one (a sample), and a
// raw multi-row INSERT of the same rows into a bare table on the same MariaDB. Asserts nothing.
import "reflect-metadata";
import { randomBytes, randomUUID } from "node:crypto";
import mysql from "mysql2/promise";
import { App } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { gqlAt } from "./support/burst.js";

const ROWS = Number(process.argv[2] ?? 10_000);
const SINGLE_SAMPLE = 300;
const adminUrl = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const database = `bench_import_${randomBytes(3).toString("hex")}`;
const admin = await mysql.createConnection(adminUrl);
await admin.query(`CREATE DATABASE \`${database}\``);
const url = new URL(adminUrl);
url.pathname = `/${database}`;

const operatorKey = "bench-operator-key-0123456789abcdef0123";
const config = loadConfig({ PORT: "0", DATABASE_URL: url.toString(), JOBS_URL: redisUrl, OPERATOR_API_KEY: operatorKey, LOG_LEVEL: "warn", DATA_DIR: "/tmp/bench-import" });
const app = await App.create(config, createLogger("warn"), { jobTuning: { lockLifetimeMs: 4000 } });
await app.start();

const gql = gqlAt(app.url);

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

try {
  // start dates far ahead: every row is planned for later, so the numbers measure saving, not SMTP
  const tenant = await gql(`mutation { createTenant(input: { name: "Bench AB" }) { adminApiKey } }`, {}, operatorKey);
  const key = tenant.createTenant.adminApiKey;
  const userTemplate = (await gql(`mutation { createUserTemplate(input: { name: "Employee" }) { id } }`, {}, key)).createUserTemplate.id;
  const template = (await gql(`mutation($u: ID) { createEmploymentTemplate(input: { name: "Permanent", userTemplateId: $u }) { id } }`, { u: userTemplate }, key))
    .createEmploymentTemplate.id;
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    firstName: `Anna${i}`,
    lastName: "Berg",
    email: `anna.${i}@example.org`,
    startDate: "2030-09-01",
    employmentTemplateId: template,
    externalId: `bench-${i}`,
  }));

  let start = process.hrtime.bigint();
  const report = (await gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created failed } }`, { rows }, key)).importHires;
  const importSeconds = seconds(start);
  if (report.created !== ROWS) throw new Error(`import created ${report.created} of ${ROWS}`);

  start = process.hrtime.bigint();
  for (let i = 0; i < SINGLE_SAMPLE; i++) {
    await gql(`mutation($input: RegisterHireInput!) { registerHire(input: $input) { employee { id } } }`, { input: { ...rows[i], externalId: `single-${i}` } }, key);
  }
  const singleSeconds = seconds(start);

  const raw = await mysql.createConnection(url.toString());
  await raw.query("CREATE TABLE raw_hire (id varchar(36) PRIMARY KEY, firstName varchar(100), lastName varchar(100), email varchar(254), startDate date, externalId varchar(100))");
  start = process.hrtime.bigint();
  for (let i = 0; i < ROWS; i += 500) {
    const chunk = rows.slice(i, i + 500).map((r) => [randomUUID(), r.firstName, r.lastName, r.email, r.startDate, r.externalId]);
    await raw.query("INSERT INTO raw_hire (id, firstName, lastName, email, startDate, externalId) VALUES ?", [chunk]);
  }
  const rawSeconds = seconds(start);
  await raw.end();

  const rate = (n: number, s: number) => `${(n / s).toFixed(0).padStart(7)} rows/s`;
  console.log(`${ROWS} hires on MariaDB (${new URL(adminUrl).host}), Redis job store, ${new Date().toISOString()}`);
  console.log(`importHires, one request        ${rate(ROWS, importSeconds)}  (${importSeconds.toFixed(2)} s)`);
  console.log(`registerHire one by one         ${rate(SINGLE_SAMPLE, singleSeconds)}  (sample of ${SINGLE_SAMPLE})`);
  console.log(`raw multi-row INSERT, 1 table   ${rate(ROWS, rawSeconds)}  (${rawSeconds.toFixed(2)} s)`);
  console.log(`import vs single registrations: ${((ROWS / importSeconds) / (SINGLE_SAMPLE / singleSeconds)).toFixed(1)}x faster`);
  console.log(`raw INSERT vs import: ${((ROWS / rawSeconds) / (ROWS / importSeconds)).toFixed(1)}x (the import writes 4 tables and plans each row)`);
} finally {
  await app.stop(1000);
  await admin.query(`DROP DATABASE \`${database}\``);
  await admin.end();
  process.exit(0); // Agenda's job-liveness timer would hold the process for a minute
}
