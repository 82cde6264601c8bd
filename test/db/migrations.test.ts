import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createDataSource } from "../../src/db/data-source.js";
import { EmbeddedPostgres } from "../../src/db/embedded-postgres.js";
import { migrate } from "../../src/db/migrate.js";
import { createLogger } from "../../src/log.js";
import { freshDataDir, freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";

const log = createLogger("silent");

/** Migrations must build exactly the entities' schema: TypeORM's schema builder finds nothing to change. */
async function migrationsMatchEntities(url: string): Promise<void> {
  const dataSource = await createDataSource(url);
  await dataSource.initialize();
  try {
    const applied = await migrate(dataSource, log);
    assert.ok(applied.length > 0, "migrations ran on the empty database");
    const pending = await dataSource.driver.createSchemaBuilder().log();
    assert.deepEqual(pending.upQueries.map((q) => q.query), [], "the entities need no schema change beyond the migrations");
    assert.deepEqual(await migrate(dataSource, log), [], "a second run applies nothing");

    // and they can be undone, one by one, back to an empty schema
    for (let i = 0; i < applied.length; i++) await dataSource.undoLastMigration({ transaction: "each" });
    const tables = await dataSource.createQueryRunner().getTables(dataSource.entityMetadatas.map((m) => m.tableName));
    assert.deepEqual(tables, []);
  } finally {
    await dataSource.destroy();
  }
}

describe("migrations produce exactly the entities' schema", () => {
  test("on MariaDB / MySQL", async () => {
    const db = await freshMysqlDatabase();
    try {
      await migrationsMatchEntities(db.url);
    } finally {
      await db.drop();
    }
  });

  test("on PostgreSQL", async () => {
    const db = await freshPostgresDatabase();
    try {
      await migrationsMatchEntities(db.url);
    } finally {
      await db.drop();
    }
  });

  test("on the embedded database", async () => {
    const data = await freshDataDir();
    const embedded = await EmbeddedPostgres.start(data.dir, log);
    try {
      await migrationsMatchEntities(embedded.url);
    } finally {
      await embedded.stop();
      await data.remove();
    }
  });
});
