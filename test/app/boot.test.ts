import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import mysql from "mysql2/promise";
import { createLogger } from "../../src/log.js";
import { projectRoot } from "../../src/paths.js";
import { startTestApp } from "../support/app.js";
import { createTenant, TENANT } from "../support/fixtures.js";
import { freshDataDir, freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";

test("boots on the embedded defaults, answers GraphQL, and keeps its data across a restart", async () => {
  const data = await freshDataDir();
  try {
    const first = await startTestApp({ DATA_DIR: data.dir });
    let tenant: { id: string; key: string };
    try {
      assert.equal(first.app.operatorKey.generated, true, "an operator key is generated in DATA_DIR");
      tenant = await createTenant(first, { name: "Embedded AB" });
      assert.equal((await fetch(`${first.url}/readyz`)).status, 200);

      // one process owns the embedded database: a second one on the same DATA_DIR refuses to start
      const second = spawnSync(process.execPath, [path.join(projectRoot, "dist/src/main.js")], {
        env: { ...process.env, DATA_DIR: data.dir, PORT: "0" },
        encoding: "utf8",
        timeout: 60_000,
      });
      assert.equal(second.status, 1);
      assert.match(second.stdout, new RegExp(`in use by process ${process.pid}`));
    } finally {
      await first.stop();
    }

    const again = await startTestApp({ DATA_DIR: data.dir });
    try {
      assert.equal(again.operatorKey, first.operatorKey, "the same operator key after a restart");
      const read = await again.gql(TENANT, {}, tenant.key);
      assert.equal(read.data.tenant.name, "Embedded AB");
    } finally {
      await again.stop();
    }
  } finally {
    await data.remove();
  }
});

test("the embedded database with NODE_ENV=production: a warning at start; DATA_DIR (database, socket, operator key) is its owner's only", async () => {
  const data = await freshDataDir();
  const warnings: { level: number; msg: string }[] = [];
  const captured = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) warnings.push(JSON.parse(line));
      done();
    },
  });
  try {
    const t = await startTestApp({ DATA_DIR: data.dir, NODE_ENV: "production" }, { log: createLogger("warn", captured) });
    try {
      assert.equal((await fetch(`${t.url}/readyz`)).status, 200);
      const warning = warnings.find((line) => line.level === 40 && /NODE_ENV=production on the embedded database/.test(line.msg));
      assert.ok(warning, `a warning, among ${JSON.stringify(warnings)}`);
      assert.match(warning.msg, /set DATABASE_URL and JOBS_URL/);
      const loose: string[] = [];
      const walk = async (at: string) => {
        const info = await stat(at);
        if ((info.mode & 0o777) !== (info.isDirectory() ? 0o700 : 0o600)) loose.push(`${path.relative(data.dir, at)} ${(info.mode & 0o777).toString(8)}`);
        if (info.isDirectory()) for (const name of await readdir(at)) await walk(path.join(at, name));
      };
      await walk(data.dir);
      assert.deepEqual(loose, []);
      assert.ok((await readdir(data.dir)).includes("operator-api-key"));
    } finally {
      await t.stop();
    }
  } finally {
    await data.remove();
  }
});

test("boots on MariaDB, applying the migrations, with PostgreSQL as job store; /readyz follows the stores", async () => {
  const db = await freshMysqlDatabase();
  const jobs = await freshPostgresDatabase();
  try {
    const t = await startTestApp({ DATABASE_URL: db.url, JOBS_URL: jobs.url, OPERATOR_API_KEY: "o".repeat(40) });
    try {
      const conn = await mysql.createConnection(db.url);
      const [rows] = await conn.query("SELECT name FROM schema_migrations");
      await conn.end();
      assert.ok((rows as unknown[]).length >= 1, "migrations recorded in MariaDB");

      const tenant = await createTenant(t, { name: "Maria AB" });
      assert.equal((await t.gql(TENANT, {}, tenant.key)).data.tenant.name, "Maria AB");

      const health = await fetch(`${t.url}/healthz`);
      assert.equal(health.status, 200);
      const ready = await fetch(`${t.url}/readyz`);
      assert.deepEqual(await ready.json(), { status: "ready", database: "ok", jobStore: "ok" });

      await jobs.drop(); // the job store goes away under the running service
      const notReady = await fetch(`${t.url}/readyz`);
      assert.equal(notReady.status, 503);
      assert.deepEqual(await notReady.json(), { status: "not ready", database: "ok", jobStore: "unreachable" });
    } finally {
      await t.stop().catch(() => undefined); // its job store is gone; closing it may complain
    }
  } finally {
    await db.drop();
    await jobs.drop();
  }
});
