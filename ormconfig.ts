import { createDataSource } from "./src/db/data-source.js";

/**
 * The DataSource for the TypeORM CLI (`npx typeorm -d dist/ormconfig.js migration:generate …`).
 * It needs DATABASE_URL; `npm run migrate` also migrates the embedded database.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error("ormconfig needs DATABASE_URL (mysql://… or postgres://…)");

export default await createDataSource(url);
