import type { DataSource } from "typeorm";
import type { Logger } from "../log.js";

const LOCK = "onboarding_schema_migrations";
/** MariaDB's GET_LOCK names are server-wide: the database's own name (hashed, names are at most 64 characters) keeps one database's migration from waiting for another's. */
const MYSQL_LOCK = "CONCAT(?, '.', MD5(DATABASE()))";

/**
 * Applies pending migrations. Several processes may start at once against one database: a
 * database-level lock lets one migrate while the others wait, then find nothing left to do.
 */
export async function migrate(dataSource: DataSource, log: Logger): Promise<string[]> {
  const mysql = dataSource.options.type === "mysql" || dataSource.options.type === "mariadb";
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    if (mysql) {
      const [row] = await lockRunner.query(`SELECT GET_LOCK(${MYSQL_LOCK}, 120) AS got`, [LOCK]);
      if (Number(row.got) !== 1) throw new Error("Timed out waiting for another process to finish migrating the database");
    } else {
      await lockRunner.query("SELECT pg_advisory_lock(hashtext($1))", [LOCK]);
    }
    const applied = await dataSource.runMigrations({ transaction: "each" });
    for (const migration of applied) log.info({ migration: migration.name }, "migration applied");
    return applied.map((m) => m.name);
  } finally {
    await lockRunner
      .query(mysql ? `SELECT RELEASE_LOCK(${MYSQL_LOCK})` : "SELECT pg_advisory_unlock(hashtext($1))", [LOCK])
      .catch(() => undefined);
    await lockRunner.release();
  }
}
