import { bulkResendSuite } from "./rehires.suite.js";
import { freshMysqlDatabase, services } from "../support/services.js";

bulkResendSuite("MariaDB with a Redis job store", async () => {
  const db = await freshMysqlDatabase();
  return { env: { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) }, cleanup: db.drop };
});
