import "reflect-metadata";
import mysql from "mysql2/promise";
import pg from "pg";
import { DataSource, type DataSourceOptions } from "typeorm";
import { entities } from "../entities/index.js";
import { mysqlMigrations } from "../migrations/mysql/index.js";
import { postgresMigrations } from "../migrations/postgres/index.js";

export type Dialect = "mysql" | "postgres";

// Instants are stored as UTC wall-clock values (MySQL DATETIME(3), PostgreSQL timestamp(3)): the
// server's own time zone must never shift them, on the way in or out.
pg.defaults.parseInputDatesAsUTC = true;
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (value) => new Date(`${value.replace(" ", "T")}Z`));
// A calendar date (a start date) is a date, not an instant: keep "YYYY-MM-DD" as it is.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export function dialectOf(url: string): Dialect {
  const scheme = new URL(url).protocol.replace(/:$/, "");
  if (scheme === "mysql" || scheme === "mariadb") return "mysql";
  if (scheme === "postgres" || scheme === "postgresql") return "postgres";
  throw new Error(`Unsupported database URL scheme: ${scheme}`);
}

/**
 * The relational store: MySQL 8 / MariaDB 10.6+ through mysql2, or PostgreSQL (also the embedded one).
 * A mysql:// URL may point at either server; TypeORM reads their catalogs differently, so ask which.
 */
export async function createDataSource(url: string, options: { poolSize?: number } = {}): Promise<DataSource> {
  const common = {
    entities,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: "schema_migrations",
    logging: false,
  } as const;
  const dialect = dialectOf(url);
  const config: DataSourceOptions =
    dialect === "mysql"
      ? {
          ...common,
          type: (await isMariaDb(url)) ? "mariadb" : "mysql",
          url: url.replace(/^mariadb:/, "mysql:"),
          timezone: "Z",
          dateStrings: ["DATE"],
          charset: "utf8mb4_unicode_ci",
          poolSize: options.poolSize ?? 10,
          migrations: mysqlMigrations,
        }
      : {
          ...common,
          type: "postgres",
          url,
          poolSize: options.poolSize ?? 10,
          migrations: postgresMigrations,
        };
  return new DataSource(config);
}

async function isMariaDb(url: string): Promise<boolean> {
  if (url.startsWith("mariadb:")) return true;
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 10_000 });
  try {
    const [rows] = await connection.query("SELECT VERSION() AS version");
    return /mariadb/i.test(String((rows as { version: string }[])[0]?.version));
  } finally {
    await connection.end();
  }
}
