// How fast hires are imported, next to what the database itself can do with the same rows.
//   npm run build && node dist/bench/import.js [ROWS]      (default 10 000; needs MariaDB and Redis)
// The service is its own process (dist/src/main.js, ROLE=all, Redis job store) on a fresh MariaDB database.
// 1. importHires of ROWS new hires, one request over HTTP. The anchor: every row that import wrote
//    (each table that grew), read back and inserted with raw mysql2 multi-row INSERTs into a second
//    fresh database migrated the same way (same tables, columns and indexes): 500 hires a transaction,
//    one statement per table, the hires in the import's order. Prints hires/s of both, the service's CPU seconds, the
//    ratio, rows a hire, and MariaDB's statement counters per hire (server-wide: other clients count too).
//    BENCH_RUNS=n repeats the pair (a new tenant; the same two databases, which grow alike).
// 2. BENCH_CSV_ROWS=10000,100000 (the default; 0: none): a generated CSV of that many rows streamed to
//    POST /import/hires, each size to a fresh service process, whose resident memory (/proc) is sampled
//    every 20 ms: before the upload, and the peak during it. Bounded memory: the peak does not grow with the
//    file. BENCH_CSV_HEAP_MB=96 (the default; 0: none) caps the V8 heap of those processes
//    (--max-old-space-size): uncapped, V8 lets the heap grow while a long upload allocates, whatever it keeps.
// BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof": a CPU profile of each service process.
// Asserts nothing.
import "reflect-metadata";
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import mysql from "mysql2/promise";
import { createDataSource } from "../src/db/data-source.js";
import { migrate } from "../src/db/migrate.js";
import { createLogger } from "../src/log.js";
import { freshMariaDb, gqlAt, mariaDbCounters, OPERATOR_KEY, redisUrl, serviceEnv, sleep, startChild, type Child, type Gql } from "./support/burst.js";

const ROWS = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const CSV_ROWS = (process.env.BENCH_CSV_ROWS ?? "10000,100000").split(",").map(Number).filter((n) => n > 0);
const CSV_HEAP_MB = Number(process.env.BENCH_CSV_HEAP_MB ?? 96);
const HIRES_PER_TRANSACTION = 500;

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const jobsUrl = () => `${redisUrl}/0?prefix=bench-import-${Math.random().toString(16).slice(2, 8)}:`;

const service = await freshMariaDb();
const anchor = await freshMariaDb();
const children: Child[] = [];
const startService = async (extra: Record<string, string> = {}) => {
  const child = await startChild(serviceEnv({ database: service.url, jobs: jobsUrl(), smtp: "" }, { SMTP_URL: "", ...extra }));
  children.push(child);
  return child;
};

try {
  // the anchor's database: the service's migrations, run as the service runs them
  const migrated = await createDataSource(anchor.url);
  await migrated.initialize();
  await migrate(migrated, createLogger("warn"));
  await migrated.destroy();

  const api = await startService();
  const gql = gqlAt(api.url);
  const db = await mysql.createConnection({ uri: service.url, dateStrings: true, charset: "utf8mb4_unicode_ci" });
  const raw = await mysql.createConnection({ uri: anchor.url, dateStrings: true, charset: "utf8mb4_unicode_ci" });
  console.log(`${ROWS} hires on MariaDB (${new URL(service.url).host}), Redis job store, ${new Date().toISOString()}`);
  console.log("run  importHires hires/s (s)   service CPU s   raw INSERTs hires/s (s)   import/raw   rows/hire   statements/hire (SELECT, INSERT, all)");
  const ratios: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const tenant = await newTenant(gql, `Bench ${run}`);
    // start dates far ahead: every row is planned for later, so the numbers measure saving, not SMTP
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      firstName: `Anna${i}`,
      lastName: "Berg",
      email: `anna.${run}.${i}@example.org`,
      startDate: "2030-09-01",
      employmentTemplateId: tenant.templateId,
      externalId: `bench-${run}-${i}`,
    }));
    const before = await snapshot(db);
    const counters = await mariaDbCounters();
    const cpuBefore = await cpuSeconds(api.pid);
    let start = process.hrtime.bigint();
    const report = (await gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created failed } }`, { rows }, tenant.key)).importHires;
    const importSeconds = seconds(start);
    const cpu = (await cpuSeconds(api.pid)) - cpuBefore;
    const statements = await mariaDbCounters();
    if (report.created !== ROWS) throw new Error(`import created ${report.created} of ${ROWS}`);

    const written = await rowsWritten(db, before);
    const chunks = byHire(written, rows.map((r) => r.externalId));
    start = process.hrtime.bigint();
    for (const chunk of chunks) {
      await raw.query("BEGIN");
      for (const [table, { columns, values }] of chunk) {
        await raw.query(`INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(", ")}) VALUES ?`, [values]);
      }
      await raw.query("COMMIT");
    }
    const rawSeconds = seconds(start);
    const rowsPerHire = [...written.values()].reduce((sum, t) => sum + t.rows.length, 0) / ROWS;
    const per = (name: string) => ((statements[name]! - counters[name]!) / ROWS).toFixed(2);
    const rate = (s: number) => `${(ROWS / s).toFixed(0).padStart(7)} (${s.toFixed(2)})`;
    ratios.push(rawSeconds / importSeconds);
    console.log(
      `${String(run).padStart(3)}  ${rate(importSeconds).padEnd(24)} ${cpu.toFixed(2).padStart(13)}   ${rate(rawSeconds).padEnd(25)} ${(100 * ratios.at(-1)!).toFixed(1).padStart(6)} %   ${rowsPerHire.toFixed(2).padStart(7)}     ${per("Com_select")}, ${per("Com_insert")}, ${per("Questions")}`,
    );
    if (run === 1) console.log(`     rows per table: ${[...written].map(([table, t]) => `${table} ${t.rows.length}`).join(", ")}`);
  }
  if (RUNS > 1) {
    const sorted = ratios.sort((a, b) => a - b);
    const median = (sorted[Math.floor((RUNS - 1) / 2)]! + sorted[Math.ceil((RUNS - 1) / 2)]!) / 2;
    console.log(`import/raw, median of ${RUNS}: ${(100 * median).toFixed(1)} %`);
  }
  await db.end();
  await raw.end();
  await api.stop();

  for (const size of CSV_ROWS) {
    const child = await startService(CSV_HEAP_MB ? { NODE_OPTIONS: `--max-old-space-size=${CSV_HEAP_MB}` } : {});
    const tenant = await newTenant(gqlAt(child.url), `CSV ${size}`);
    await sleep(500); // the process settles after its start
    const idle = await residentBytes(child.pid);
    let peak = idle;
    const sampler = setInterval(() => void residentBytes(child.pid).then((bytes) => (peak = Math.max(peak, bytes)), () => undefined), 20);
    const cpuBefore = await cpuSeconds(child.pid);
    const start = process.hrtime.bigint();
    const response = await fetch(`${child.url}/import/hires`, {
      method: "POST",
      headers: { "content-type": "text/csv", authorization: `Bearer ${tenant.key}` },
      body: Readable.toWeb(Readable.from(csvLines(size, tenant.templateName))) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    const report = (await response.json()) as { created: number; failed: number };
    const took = seconds(start);
    const cpu = (await cpuSeconds(child.pid)) - cpuBefore;
    clearInterval(sampler);
    if (report.created !== size) throw new Error(`the CSV import answered ${response.status} ${JSON.stringify(report).slice(0, 300)}`);
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    const heap = CSV_HEAP_MB ? `, V8 heap capped at ${CSV_HEAP_MB} MB` : "";
    console.log(`CSV of ${String(size).padStart(6)} rows: ${(size / took).toFixed(0)} rows/s (${took.toFixed(1)} s, service CPU ${cpu.toFixed(1)} s); service RSS before ${mb(idle)}, peak ${mb(peak)} (+${mb(peak - idle)})${heap}`);
    await child.stop();
  }
} finally {
  for (const child of children) await child.stop();
  await service.drop();
  await anchor.drop();
}

async function newTenant(gql: Gql, name: string): Promise<{ key: string; templateId: string; templateName: string }> {
  const key = (await gql(`mutation($n: String!) { createTenant(input: { name: $n }) { adminApiKey } }`, { n: name }, OPERATOR_KEY)).createTenant.adminApiKey;
  const userTemplate = (await gql(`mutation { createUserTemplate(input: { name: "Employee" }) { id } }`, {}, key)).createUserTemplate.id;
  const templateId = (await gql(`mutation($u: ID) { createEmploymentTemplate(input: { name: "Permanent", userTemplateId: $u }) { id } }`, { u: userTemplate }, key))
    .createEmploymentTemplate.id;
  return { key, templateId, templateName: "Permanent" };
}

type Row = Record<string, unknown>;

/** Every table's primary keys (the tables are small before an import), with the key's columns. */
async function snapshot(db: mysql.Connection): Promise<Map<string, { key: string[]; known: Set<string> }>> {
  const [columns] = await db.query<mysql.RowDataPacket[]>(
    "SELECT TABLE_NAME AS name, COLUMN_NAME AS col FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
  );
  const tables = new Map<string, { key: string[]; known: Set<string> }>();
  for (const { name, col } of columns) {
    if (!tables.has(name)) tables.set(name, { key: [], known: new Set() });
    tables.get(name)!.key.push(col);
  }
  for (const [name, table] of tables) {
    const [rows] = await db.query<mysql.RowDataPacket[]>(`SELECT * FROM \`${name}\``);
    for (const row of rows) table.known.add(JSON.stringify(table.key.map((c) => row[c])));
  }
  return tables;
}

/** The rows inserted since `before` (not those only updated), by table, with their columns in the table's order. */
async function rowsWritten(db: mysql.Connection, before: Map<string, { key: string[]; known: Set<string> }>): Promise<Map<string, { columns: string[]; rows: Row[] }>> {
  const written = new Map<string, { columns: string[]; rows: Row[] }>();
  for (const [table, { key, known }] of before) {
    const [rows, fields] = await db.query<mysql.RowDataPacket[]>(`SELECT * FROM \`${table}\``);
    const added = rows.filter((r) => !known.has(JSON.stringify(key.map((c) => r[c]))));
    if (added.length) written.set(table, { columns: fields.map((f) => f.name), rows: added });
  }
  return written;
}

/**
 * The rows in transactions of 500 hires, in the import's row order (by externalId); a row belongs to
 * a hire by its employeeId or employmentId. Rows of no hire (the request's own) go with the first.
 */
function byHire(written: Map<string, { columns: string[]; rows: Row[] }>, externalIds: string[]): Map<string, { columns: string[]; values: unknown[][] }>[] {
  const employees = written.get("employee")!.rows;
  const hireOfEmployee = new Map(employees.map((e) => [e.id as string, externalIds.indexOf(e.externalId as string)]));
  const hireOfEmployment = new Map(written.get("employment")!.rows.map((m) => [m.id as string, hireOfEmployee.get(m.employeeId as string)!]));
  const hireOf = (table: string, row: Row): number =>
    (table === "employee" ? hireOfEmployee.get(row.id as string) : undefined) ??
    (row.employeeId ? hireOfEmployee.get(row.employeeId as string) : undefined) ??
    (row.employmentId ? hireOfEmployment.get(row.employmentId as string) : undefined) ??
    0;
  const chunks = Array.from({ length: Math.ceil(externalIds.length / HIRES_PER_TRANSACTION) }, () => new Map<string, { columns: string[]; values: [number, unknown[]][] }>());
  for (const [table, { columns, rows }] of written) {
    for (const row of rows) {
      const hire = hireOf(table, row);
      const chunk = chunks[Math.floor(hire / HIRES_PER_TRANSACTION)]!;
      if (!chunk.has(table)) chunk.set(table, { columns, values: [] });
      chunk.get(table)!.values.push([hire, columns.map((c) => row[c])]);
    }
  }
  return chunks.map(
    (chunk) => new Map([...chunk].map(([table, { columns, values }]) => [table, { columns, values: values.sort((a, b) => a[0] - b[0]).map(([, v]) => v) }])),
  );
}

async function* csvLines(rows: number, template: string): AsyncGenerator<string> {
  yield "firstName,lastName,email,startDate,employmentTemplate,externalId\n";
  for (let i = 0; i < rows; i += 1000) {
    let lines = "";
    for (let j = i; j < Math.min(i + 1000, rows); j++) lines += `Anna${j},Berg,anna.csv.${rows}.${j}@example.org,2030-09-01,${template},csv-${rows}-${j}\n`;
    yield lines;
  }
}

async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}

/** User and system CPU seconds of a process so far (/proc/PID/stat, in clock ticks of 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
