import { bulkResendSuite } from "./rehires.suite.js";
import { freshDataDir } from "../support/services.js";

bulkResendSuite("the embedded database and job store", async () => {
  const data = await freshDataDir();
  return { env: { DATA_DIR: data.dir }, cleanup: data.remove };
});
