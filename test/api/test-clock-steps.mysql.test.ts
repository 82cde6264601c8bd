import { testClockStepsSuite } from "./races.suite.js";
import { freshMysqlDatabase, services } from "../support/services.js";

testClockStepsSuite("MariaDB with a Redis job store", async () => {
  const db = await freshMysqlDatabase();
  return { env: { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) }, cleanup: db.drop };
});
