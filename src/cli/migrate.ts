import "reflect-metadata";
import { loadConfig, ConfigError } from "../config.js";
import { createDataSource } from "../db/data-source.js";
import { EmbeddedPostgres } from "../db/embedded-postgres.js";
import { migrate } from "../db/migrate.js";
import { createLogger } from "../log.js";

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
try {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const embedded = config.databaseUrl ? null : await EmbeddedPostgres.start(config.dataDir, log);
  const dataSource = await createDataSource(config.databaseUrl ?? embedded!.url);
  try {
    await dataSource.initialize();
    const applied = await migrate(dataSource, log);
    console.log(applied.length ? `applied ${applied.join(", ")}` : "the database is up to date");
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
