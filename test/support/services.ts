import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import { test } from "node:test";
import pg from "pg";
import { EmbeddedPostgres } from "../../src/db/embedded-postgres.js";
import { createLogger } from "../../src/log.js";

/**
 * The real services the tests run against. They are required: a test that needs one fails when it
 * is unreachable. MongoDB cannot be installed here: MONGODB_URL names one; without it the MongoDB
 * test runs on CongoDB in its own process (./mongodb.ts).
 */
export const services = {
  mysql: process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test",
  postgres: process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  redis: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
  mongodb: process.env.MONGODB_URL,
};

const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A new, empty MySQL/MariaDB database; `drop` removes it. */
export async function freshMysqlDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueName("t");
  const admin = await mysql.createConnection(services.mysql);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(services.mysql, name),
    drop: async () => {
      const c = await mysql.createConnection(services.mysql);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``).finally(() => c.end());
    },
  };
}

/** A new, empty PostgreSQL database; `drop` removes it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueName("t");
  const admin = new pg.Client({ connectionString: services.postgres });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(services.postgres, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: services.postgres });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => c.end());
    },
  };
}

/** A new data folder for the embedded database and job store. */
export async function freshDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "onboarding-test-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * One test per database the service runs on — MariaDB / MySQL, PostgreSQL, the embedded database —
 * each calling `check` with the URL of a fresh, empty database of that kind, removed afterwards.
 */
export function testOnEveryDatabase(check: (url: string) => Promise<void>): void {
  const fresh: Array<[string, () => Promise<{ url: string; remove: () => Promise<void> }>]> = [
    ["on MariaDB / MySQL", async () => { const db = await freshMysqlDatabase(); return { url: db.url, remove: db.drop }; }],
    ["on PostgreSQL", async () => { const db = await freshPostgresDatabase(); return { url: db.url, remove: db.drop }; }],
    [
      "on the embedded database",
      async () => {
        const data = await freshDataDir();
        const embedded = await EmbeddedPostgres.start(data.dir, createLogger("silent"));
        return { url: embedded.url, remove: async () => (await embedded.stop(), await data.remove()) };
      },
    ],
  ];
  for (const [name, create] of fresh) {
    test(name, async () => {
      const db = await create();
      try {
        await check(db.url);
      } finally {
        await db.remove();
      }
    });
  }
}
