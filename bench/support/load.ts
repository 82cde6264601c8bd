// Drives an HTTP GraphQL endpoint at a fixed concurrency for a fixed time, from a worker thread
// (load-worker.ts), with Node's fetch (undici, keep-alive).
import { once } from "node:events";
import { Worker } from "node:worker_threads";

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** request bodies, used in turn */
  bodies: string[];
  /** if given, the headers of each body (same index), instead of `headers` */
  bodyHeaders?: Record<string, string>[];
  concurrency: number;
  durationMs: number;
}

export interface LoadResult {
  /** Date.now() at the start of each successful request, and its latency in ms (same order) */
  starts: number[];
  latencies: number[];
  errors: number;
  firstError: string | null;
  durationMs: number;
}

export async function drive(options: LoadOptions): Promise<LoadResult> {
  return start(options).result;
}

/** Starts driving; `stop()` ends it early (requests under way are finished and counted). */
export function start(options: LoadOptions): { result: Promise<LoadResult>; stop(): void } {
  const begun = Date.now();
  let stoppedAt: number | null = null;
  const worker = new Worker(new URL("./load-worker.js", import.meta.url), { workerData: options });
  const result = (async () => {
    const [answer] = (await once(worker, "message")) as [Omit<LoadResult, "durationMs">];
    await worker.terminate();
    return { ...answer, durationMs: (stoppedAt ?? begun + options.durationMs) - begun };
  })();
  return {
    result,
    stop() {
      stoppedAt = Date.now();
      worker.postMessage({ type: "stop" });
    },
  };
}

/** Requests/s and latency percentiles of the requests that started in [from, to) (default: all). */
export function summarize(result: LoadResult, from = -Infinity, to = Infinity) {
  const picked: number[] = [];
  for (let i = 0; i < result.starts.length; i++) if (result.starts[i]! >= from && result.starts[i]! < to) picked.push(result.latencies[i]!);
  picked.sort((a, b) => a - b);
  const at = (q: number) => picked[Math.min(picked.length - 1, Math.floor(q * picked.length))] ?? NaN;
  const windowMs = Number.isFinite(from) && Number.isFinite(to) ? to - from : result.durationMs;
  return { requests: picked.length, perSecond: picked.length / (windowMs / 1000), p50: at(0.5), p99: at(0.99), max: picked.at(-1) ?? NaN };
}
