import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
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

/**
 * Gives this process a lower CPU priority (a higher nice value): its work yields to processes at the
 * default priority when the machine is busy, and runs at full speed when it is not. On Linux the
 * nice value belongs to each thread, so every thread already running (V8's and libuv's helpers) is
 * lowered too; threads started later inherit it. Never raises a priority (that needs privileges): a
 * thread already nicer stays so. A failure is logged, not fatal.
 */
export function lowerCpuPriority(nice: number, log: Logger): void {
  let threads: number[];
  try {
    threads = readdirSync("/proc/self/task").map(Number);
  } catch {
    threads = [0]; // no /proc: the process as a whole
  }
  let lowered = 0;
  for (const thread of threads) {
    try {
      if (getPriority(thread) >= nice) continue;
      setPriority(thread, nice);
      lowered++;
    } catch (error) {
      // a thread that ended meanwhile, or a system that refuses
      if (thread === 0 || thread === process.pid) log.warn({ err: error, nice }, "could not lower the CPU priority");
    }
  }
  log.info({ nice, threads: lowered }, "CPU priority lowered");
}
