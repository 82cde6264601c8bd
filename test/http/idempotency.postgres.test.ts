import { idempotencySuite } from "./idempotency.suite.js";
import { freshPostgresDatabase, services } from "../support/services.js";

idempotencySuite("PostgreSQL with a Redis job store", async () => {
  const db = await freshPostgresDatabase();
  return { env: { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) }, cleanup: db.drop };
});
