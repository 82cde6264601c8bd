import { describe, test } from "node:test";
import assert from "node:assert/strict";
import mysql from "mysql2/promise";
import { createDataSource } from "../../src/db/data-source.js";
import { migrate } from "../../src/db/migrate.js";
import { createLogger } from "../../src/log.js";
import { freshMysqlDatabase, testOnEveryDatabase } from "../support/services.js";

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

describe("migrations produce exactly the entities' schema", () => testOnEveryDatabase(migrationsMatchEntities));

describe("one process migrates a database at a time", () => {
  test("on MariaDB / MySQL a process migrating one database waits for another migrating it, never for one migrating another database", async () => {
    const [mine, other] = [await freshMysqlDatabase(), await freshMysqlDatabase()];
    // another process in the middle of migrating: it holds the lock of its database
    const holder = await mysql.createConnection(mine.url);
    const [[held]] = (await holder.query("SELECT GET_LOCK(CONCAT('onboarding_schema_migrations', '.', MD5(DATABASE())), 0) AS got")) as unknown as [[{ got: number }]];
    assert.equal(Number(held.got), 1);
    const [waiting, free] = [await createDataSource(mine.url), await createDataSource(other.url)];
    await Promise.all([waiting.initialize(), free.initialize()]);
    try {
      let migrated = false;
      const migrating = migrate(waiting, log).then((applied) => ((migrated = true), applied));
      const applied = await migrate(free, log);
      assert.ok(applied.length > 0, "the other database is migrated while this one's lock is held");
      assert.equal(migrated, false, "this database's migration waits for the process that holds its lock");
      await holder.query("SELECT RELEASE_LOCK(CONCAT('onboarding_schema_migrations', '.', MD5(DATABASE())))");
      assert.ok((await migrating).length > 0, "and runs once it is free");
    } finally {
      await holder.end();
      await Promise.all([waiting.destroy(), free.destroy()]);
      await Promise.all([mine.drop(), other.drop()]);
    }
  });
});
