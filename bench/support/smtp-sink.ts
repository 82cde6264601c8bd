// A counting SMTP server on 127.0.0.1 for the benchmarks, run in a worker thread (smtp-sink-worker.ts).
import { once } from "node:events";
import { Worker } from "node:worker_threads";

export interface SinkStats {
  /** messages accepted (answered 250) */
  count: number;
  /** Date.now() at the first and the last acceptance */
  first: number | null;
  last: number | null;
  /** distinct recipients, and messages beyond the first to a recipient */
  recipients: number;
  duplicates: number;
  /** SMTP connections opened since the last reset */
  connections: number;
}

export interface SmtpSink {
  url: string;
  stats(): Promise<SinkStats>;
  /** Date.now() of every acceptance, in order. */
  arrivals(): Promise<number[]>;
  /** Resolves once `count` messages were accepted since the last reset; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<SinkStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** `delayMs`: the server waits that long before it answers a message's data (simulates a distant relay). */
export async function startSmtpSink(options: { delayMs?: number } = {}): Promise<SmtpSink> {
  const worker = new Worker(new URL("./smtp-sink-worker.js", import.meta.url), { workerData: { delayMs: options.delayMs ?? 0 } });
  const [listening] = (await once(worker, "message")) as [{ type: string; port: number }];
  const ask = async <T>(request: object, answer: string): Promise<T> => {
    const reply = new Promise<T>((resolve) => {
      const onMessage = (message: { type: string } & Record<string, unknown>) => {
        if (message.type !== answer) return;
        worker.off("message", onMessage);
        resolve(message as T);
      };
      worker.on("message", onMessage);
    });
    worker.postMessage(request);
    return reply;
  };
  return {
    url: `smtp://127.0.0.1:${listening.port}`,
    stats: async () => (await ask<{ stats: SinkStats }>({ type: "stats" }, "stats")).stats,
    arrivals: async () => (await ask<{ arrivals: number[] }>({ type: "arrivals" }, "arrivals")).arrivals,
    async waitFor(count, timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(async () => {
          const stats = await ask<{ stats: SinkStats }>({ type: "stats" }, "stats");
          reject(new Error(`only ${stats.stats.count} of ${count} mails arrived within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      try {
        return (await Promise.race([ask<{ stats: SinkStats }>({ type: "waitFor", count }, "reached"), timeout])).stats;
      } finally {
        clearTimeout(timer);
      }
    },
    reset: async () => void (await ask({ type: "reset" }, "reset")),
    async close() {
      await ask({ type: "close" }, "closed");
      await worker.terminate();
    },
  };
}
