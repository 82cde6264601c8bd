import type { App } from "./app.js";
import type { Logger } from "./log.js";

/**
 * SIGTERM/SIGINT: stop taking requests, let running jobs finish (bounded), close connections and
 * exit 0. The exit is explicit: after Agenda stops, a timer inside its job processor would otherwise
 * hold the process open for minutes. A second signal, or a stop that hangs, exits at once.
 */
export function stopOnSignals(app: App, log: Logger, options: { jobGraceMs?: number; hardLimitMs?: number } = {}): void {
  const jobGraceMs = options.jobGraceMs ?? 20_000;
  const hardLimitMs = options.hardLimitMs ?? jobGraceMs + 10_000;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "shutting down");
    setTimeout(() => {
      log.error("shutdown took too long: exiting");
      process.exit(1);
    }, hardLimitMs).unref();
    app.stop(jobGraceMs).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
