import "reflect-metadata";
import path from "node:path";
import { App } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { stopOnSignals } from "./lifecycle.js";
import { createLogger } from "./log.js";

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78); // EX_CONFIG
}

const log = createLogger(config.logLevel);
process.on("unhandledRejection", (reason) => {
  log.fatal({ err: reason }, "unhandled rejection");
  process.exit(1);
});

try {
  const app = await App.create(config, log);
  stopOnSignals(app, log);
  await app.start();
  if (app.servesApi) console.log(`\nOnboarding API: ${app.url}/graphql (role ${config.role})`);
  if (app.operatorKey.generated) {
    const file = path.relative(process.cwd(), path.join(config.dataDir, "operator-api-key"));
    console.log(`Operator API key (development; kept in ${file}): ${app.operatorKey.key}\n`);
  }
} catch (error) {
  log.fatal({ err: error }, "could not start");
  process.exit(1);
}
