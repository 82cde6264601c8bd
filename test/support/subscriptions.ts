import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

/** What one subscription received, as a client of graphql-ws sees it. */
export interface Subscribed<T = any> {
  /** The `data` of every `next` message, in order. */
  received: T[];
  /** Errors the server answered the subscription with (a `next` with errors, or an `error` message). */
  errors: { message: string; extensions?: { code?: string } }[];
  /** Resolves when the server has ended the subscription (complete or error). */
  ended: Promise<void>;
  /** Waits until `received` has at least `count` items (throws after `timeoutMs`). */
  atLeast(count: number, timeoutMs?: number): Promise<T[]>;
  /** Waits until an item satisfies `predicate` (throws after `timeoutMs`). */
  until(predicate: (item: T) => boolean, timeoutMs?: number): Promise<T>;
  stop(): void;
}

export interface Connection {
  client: Client;
  /** The close event of the socket, once it closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves when the server acknowledged connection_init. */
  connected: Promise<void>;
  subscribe<T = any>(query: string, variables?: Record<string, unknown>): Subscribed<T>;
  close(): Promise<void>;
}

/** A graphql-ws client on `baseUrl`'s /graphql over a real WebSocket (`ws`), with `payload` as connection_init's payload; no retries. */
export function connect(baseUrl: string, payload: Record<string, unknown> | undefined): Connection {
  let onClosed!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  let onConnected!: () => void;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: `${baseUrl.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: payload,
    lazy: false,
    retryAttempts: 0,
    shouldRetry: () => false,
    onNonLazyError: () => undefined,
    on: {
      connected: () => onConnected(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: unknown };
        onClosed({ code, reason: String(reason) });
      },
    },
  });
  return {
    client,
    closed,
    connected,
    subscribe<T>(query: string, variables?: Record<string, unknown>): Subscribed<T> {
      const received: T[] = [];
      const errors: Subscribed<T>["errors"] = [];
      let changed: () => void = () => undefined;
      let onEnded!: () => void;
      const ended = new Promise<void>((resolve) => (onEnded = resolve));
      const stop = client.subscribe<T>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors) errors.push(...(result.errors as Subscribed<T>["errors"]));
            if (result.data) received.push(result.data as T);
            changed();
          },
          error: (error) => {
            if (Array.isArray(error)) errors.push(...(error as Subscribed<T>["errors"]));
            else errors.push({ message: String((error as { reason?: string }).reason ?? error) });
            onEnded();
            changed();
          },
          complete: () => {
            onEnded();
            changed();
          },
        },
      );
      const waitFor = async <R>(check: () => R | undefined, what: string, timeoutMs: number): Promise<R> => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const found = check();
          if (found !== undefined) return found;
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`${what} within ${timeoutMs} ms; received ${JSON.stringify(received)}; errors ${JSON.stringify(errors)}`);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, left);
            changed = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      };
      return {
        received,
        errors,
        ended,
        atLeast: (count, timeoutMs = 10_000) => waitFor(() => (received.length >= count ? received : undefined), `no ${count} items`, timeoutMs),
        until: (predicate, timeoutMs = 10_000) => waitFor(() => received.find(predicate), "no matching item", timeoutMs),
        stop,
      };
    },
    close: async () => {
      await client.dispose();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
