// The counting SMTP server of the benchmarks, in its own thread (started by smtp-sink.ts), so that
// receiving mail does not take event-loop time from the process under measurement. It answers 250
// to every message once its data has arrived, parses nothing, and keeps only the arrival time
// (Date.now(), the same clock in every thread and process of the machine) and the recipients.
import { parentPort, workerData } from "node:worker_threads";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** Optional: how long the server takes to answer each message's DATA (a distant relay), in ms. */
const delayMs = Number((workerData as { delayMs?: number } | undefined)?.delayMs ?? 0);
const arrivals: number[] = [];
const perRecipient = new Map<string, number>();
const connections = new Set<string>();
let waiting: { count: number } | null = null;

const server = new SMTPServer({
  secure: false,
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  closeTimeout: 200,
  onConnect(session, callback) {
    connections.add(session.id);
    callback();
  },
  onData(stream, session, callback) {
    stream.on("data", () => undefined);
    stream.on("error", () => undefined);
    stream.on("end", async () => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      arrivals.push(Date.now());
      for (const { address } of session.envelope.rcptTo) perRecipient.set(address, (perRecipient.get(address) ?? 0) + 1);
      callback();
      if (waiting && arrivals.length >= waiting.count) {
        waiting = null;
        parentPort!.postMessage({ type: "reached", stats: stats() });
      }
    });
  },
});
server.on("error", () => undefined);

function stats() {
  let duplicates = 0;
  for (const n of perRecipient.values()) if (n > 1) duplicates += n - 1;
  return {
    count: arrivals.length,
    first: arrivals[0] ?? null,
    last: arrivals.length ? arrivals[arrivals.length - 1]! : null,
    recipients: perRecipient.size,
    duplicates,
    connections: connections.size,
  };
}

parentPort!.on("message", (message: { type: string; count?: number; from?: number }) => {
  switch (message.type) {
    case "stats":
      parentPort!.postMessage({ type: "stats", stats: stats() });
      break;
    case "arrivals":
      parentPort!.postMessage({ type: "arrivals", arrivals });
      break;
    case "reset":
      arrivals.length = 0;
      perRecipient.clear();
      connections.clear();
      waiting = null;
      parentPort!.postMessage({ type: "reset" });
      break;
    case "waitFor":
      if (arrivals.length >= message.count!) parentPort!.postMessage({ type: "reached", stats: stats() });
      else waiting = { count: message.count! };
      break;
    case "close":
      for (const connection of (server as unknown as { connections: Set<{ close(): void }> }).connections) connection.close();
      server.close(() => parentPort!.postMessage({ type: "closed" }));
      break;
  }
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.server.address() as AddressInfo;
  parentPort!.postMessage({ type: "listening", port });
});
