import type { PGlite } from "@electric-sql/pglite";

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/** Frontend messages after which the session is back at ReadyForQuery: Sync, a simple Query, Terminate. */
const ENDS_EXCHANGE = new Set(["S".charCodeAt(0), "Q".charCodeAt(0), "X".charCodeAt(0)]);
const PARSE = "P".charCodeAt(0);
const CLOSE = "C".charCodeAt(0);
/** The backend's ParseComplete: type '1', length 4. */
const PARSE_COMPLETE = new Uint8Array([0x31, 0, 0, 0, 4]);

/** The statement name of a Parse message ('P', int32 length, name\0, query\0, …); "" for the unnamed one. */
function parsedName(message: Uint8Array): string {
  const end = message.indexOf(0, 5);
  return Buffer.from(message.buffer, message.byteOffset + 5, Math.max(0, end - 5)).toString("utf8");
}

/**
 * Feeds the wire messages of several client connections into PGlite's one session. Unlike
 * pglite-socket's own queue (which keeps a connection's turn only inside a transaction), a
 * connection keeps the session from its first message until the session is ready for the next
 * query again — after Sync or a simple Query, and not inside a transaction. Otherwise two
 * connections' Parse/Bind/Execute interleave and bind each other's statements (upstream
 * electric-sql/pglite#1046). A failing message never stalls the queue.
 */
export class SessionQueue {
  private readonly queue: Pending[] = [];
  private processing = false;
  /** The connection whose exchange (or transaction) is in progress. */
  private owner: number | null = null;
  /**
   * Named statements the session holds, each with its Parse message. Every connection's client
   * prepares a named statement once for itself (node-postgres: CompiledSelect's), but here all share
   * one session, where a second Parse of the name fails ("already exists"). The same Parse again is
   * answered ParseComplete without running it: the session has that very statement.
   */
  private readonly prepared = new Map<string, string>();

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.handlerId === handlerId) this.queue.splice(i, 1)[0]!.reject(new Error("connection closed"));
    }
  }

  /** A connection went away in the middle of its exchange: undo its transaction and free the session. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK").catch(() => undefined);
    this.owner = null;
    void this.process();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.queue.findIndex((p) => p.handlerId === this.owner);
        if (index < 0 || this.queue.length === 0) return; // the owner's next message has not arrived yet
        const next = this.queue.splice(index, 1)[0]!;
        const statement = next.message[0] === PARSE ? parsedName(next.message) : "";
        const parse = statement ? Buffer.from(next.message).toString("latin1") : "";
        let bytes = 0;
        let first: number | undefined;
        if (statement && this.prepared.get(statement) === parse) {
          next.onData(PARSE_COMPLETE);
          next.resolve(PARSE_COMPLETE.length);
          this.owner = next.handlerId; // a Parse opens an exchange: the Bind, Execute and Sync follow
          continue;
        }
        if (next.message[0] === CLOSE && next.message[5] === "S".charCodeAt(0)) this.prepared.delete(parsedName(next.message.subarray(1)));
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(next.message, {
              onRawData: (data: Uint8Array) => {
                first ??= data[0];
                bytes += data.length;
                next.onData(data);
              },
            }),
          );
          if (statement && first === PARSE_COMPLETE[0]) this.prepared.set(statement, parse);
          next.resolve(bytes);
        } catch (error) {
          next.reject(error);
        }
        const isStartup = next.message[0] === 0; // a startup packet begins with its length, not a type
        const exchangeOpen = !isStartup && !ENDS_EXCHANGE.has(next.message[0]!);
        this.owner = exchangeOpen || this.db.isInTransaction() ? next.handlerId : null;
      }
    } finally {
      this.processing = false;
    }
  }
}
