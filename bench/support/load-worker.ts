// The load driver of the benchmarks, in its own thread (started by load.ts) so that it does not
// share the event loop with a server in the benchmark's process. `concurrency` loops each POST the
// next body as soon as the previous answer has been read, for `durationMs`.
import { parentPort, workerData } from "node:worker_threads";
import type { LoadOptions } from "./load.js";

const { url, headers, bodies, bodyHeaders, concurrency, durationMs } = workerData as LoadOptions;
const starts: number[] = [];
const latencies: number[] = [];
let errors = 0;
let firstError: string | null = null;
let next = 0;
let end = Date.now() + durationMs;
parentPort!.on("message", (message: { type: string }) => {
  if (message.type === "stop") end = 0; // requests under way finish; no new ones start
});

async function loop(): Promise<void> {
  while (Date.now() < end) {
    const at = next++ % bodies.length;
    const body = bodies[at]!;
    const startedAt = Date.now();
    const t0 = performance.now();
    try {
      const response = await fetch(url, { method: "POST", headers: bodyHeaders?.[at] ?? headers, body });
      const answer = (await response.json()) as { data?: unknown; errors?: unknown };
      if (response.status !== 200 || answer.errors || !answer.data) {
        errors++;
        firstError ??= `${response.status} ${JSON.stringify(answer).slice(0, 300)}`;
        continue;
      }
    } catch (error) {
      errors++;
      firstError ??= String(error);
      continue;
    }
    latencies.push(performance.now() - t0);
    starts.push(startedAt);
  }
}

await Promise.all(Array.from({ length: concurrency }, loop));
parentPort!.postMessage({ starts, latencies, errors, firstError });
parentPort!.close();
