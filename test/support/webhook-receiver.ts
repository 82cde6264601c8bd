import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
  json: { type: string; timestamp: string; data: Record<string, any> };
  /** What we answered. */
  status: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Hold the answer this long (ms): a receiver that is slow, or a worker killed while waiting. */
  delayMs?: number;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT/PATH */
  url(path: string): string;
  port: number;
  /** Every request, in arrival order. */
  received: ReceivedWebhook[];
  at(path: string): ReceivedWebhook[];
  /** The next requests to `path` get these answers, in order; afterwards 200. */
  answer(path: string, ...answers: Answer[]): void;
  /** Resolves when `check` holds for the requests to `path`; throws after `timeoutMs`. */
  waitFor(path: string, check: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that takes webhooks as a partner's would, answering what a test tells it. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queued = new Map<string, Answer[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = (request.url ?? "/").slice(1);
      const answer = queued.get(path)?.shift() ?? { status: 200 };
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ path, headers: request.headers, body, json: JSON.parse(body), status: answer.status }); // taken in, as a partner's handler would
      const reply = () => void (response.destroyed || response.writeHead(answer.status, answer.headers).end());
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const at = (path: string) => received.filter((r) => r.path === path);
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}/${path}`,
    received,
    at,
    answer: (path, ...answers) => void queued.set(path, [...(queued.get(path) ?? []), ...answers]),
    async waitFor(path, check, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (!check(at(path))) {
        if (Date.now() > until) throw new Error(`webhooks to /${path}: the expected ones did not arrive in ${timeoutMs} ms; got ${JSON.stringify(at(path).map((r) => [r.json.type, r.status]))}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return at(path);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
