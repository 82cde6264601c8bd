import type { DataSource } from "typeorm";
import type { Logger } from "../log.js";

const LOCK = "onboarding_schema_migrations";

/**
 * Applies pending migrations. Several processes may start at once against one database: a
 * database-level lock lets one migrate while the others wait, then find nothing left to do. MySQL's
 * named locks belong to the whole server, so there the name holds the database's: deployments (and
 * test runs) on other databases of the server do not wait for each other. PostgreSQL's advisory
 * locks are per database already.
 */
export async function migrate(dataSource: DataSource, log: Logger): Promise<string[]> {
  const mysql = dataSource.options.type === "mysql" || dataSource.options.type === "mariadb";
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    if (mysql) {
      // lock names are at most 64 characters: the database's name (≤ 64) is hashed into it
      const [row] = await lockRunner.query("SELECT GET_LOCK(CONCAT(?, ':', MD5(DATABASE())), 120) AS got", [LOCK]);
      if (Number(row.got) !== 1) throw new Error("Timed out waiting for another process to finish migrating the database");
    } else {
      await lockRunner.query("SELECT pg_advisory_lock(hashtext($1))", [LOCK]);
    }
    const applied = await dataSource.runMigrations({ transaction: "each" });
    for (const migration of applied) log.info({ migration: migration.name }, "migration applied");
    return applied.map((m) => m.name);
  } finally {
    await lockRunner
      .query(mysql ? "SELECT RELEASE_LOCK(CONCAT(?, ':', MD5(DATABASE())))" : "SELECT pg_advisory_unlock(hashtext($1))", [LOCK])
      .catch(() => undefined);
    await lockRunner.release();
  }
}
