import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * The metrics of one App: its own registry rather than prom-client's global one, so that several
 * apps in one process (the tests) do not clash. Holds the process's own metrics (CPU, memory,
 * event loop, GC) from the start; each adapter adds its own.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
