import { racesSuite } from "./races.suite.js";
import { freshDataDir } from "../support/services.js";

// Without the test of more than 10 000 due steps in one advanceTestClock: on the embedded database it
// takes about 150 s on the current code (one step at a time); the MariaDB suite runs it in about 65 s.
racesSuite("the embedded database and job store", async () => {
  const data = await freshDataDir();
  return { env: { DATA_DIR: data.dir }, cleanup: data.remove };
});
