import { webhooksSuite } from "./webhooks.suite.js";
import { freshDataDir } from "../support/services.js";

webhooksSuite("the embedded database and job store", async () => {
  const data = await freshDataDir();
  return { env: { DATA_DIR: data.dir }, cleanup: data.remove };
});
