import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One webhook as it arrived: its type, the event's `at` (the body's timestamp) and the arrival time (ms, real). */
export interface ArrivedWebhook {
  id: string;
  type: string;
  at: Date;
  arrivedAt: number;
}

/** A local webhook receiver for the benchmark: answers 204 at once and remembers what came, by webhook-id. */
export async function startWebhookSink(): Promise<{ url: string; arrived: ArrivedWebhook[]; count(type: string): number; waitFor(type: string, n: number, timeoutMs: number): Promise<void>; close(): Promise<void> }> {
  const arrived: ArrivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const arrivedAt = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { type: string; timestamp: string };
      arrived.push({ id: String(request.headers["webhook-id"]), type: body.type, at: new Date(body.timestamp), arrivedAt });
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const count = (type: string) => new Set(arrived.filter((w) => w.type === type).map((w) => w.id)).size;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    arrived,
    count,
    async waitFor(type, n, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (count(type) < n) {
        if (Date.now() > until) throw new Error(`${count(type)} of ${n} ${type} webhooks arrived in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
