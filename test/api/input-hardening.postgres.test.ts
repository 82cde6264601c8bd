import { inputHardeningSuite } from "./input-hardening.suite.js";
import { freshPostgresDatabase, services } from "../support/services.js";

// the findings whose outcome depends on PostgreSQL itself: NUL in text, the case of unquoted names
inputHardeningSuite(
  "a PostgreSQL server with a Redis job store",
  async () => {
    const db = await freshPostgresDatabase();
    return { env: { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) }, cleanup: db.drop };
  },
  ["nul", "greeting"],
);
