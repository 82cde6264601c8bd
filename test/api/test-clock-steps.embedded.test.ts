import { testClockStepsSuite } from "./races.suite.js";
import { freshDataDir } from "../support/services.js";

testClockStepsSuite("the embedded database and job store", async () => {
  const data = await freshDataDir();
  return { env: { DATA_DIR: data.dir }, cleanup: data.remove };
});
