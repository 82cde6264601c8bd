import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createServer, type Server } from "node:net";
import { PGLiteSocketHandler } from "@electric-sql/pglite-socket";
import type { Logger } from "../log.js";
import { SessionQueue } from "./pglite-session-queue.js";

const MAX_CONNECTIONS = 64;

/**
 * The embedded database: PostgreSQL compiled to WebAssembly (PGlite), kept in DATA_DIR and served on a
 * loopback port, so that TypeORM's `postgres` driver and Agenda's PostgreSQL backend use it unchanged.
 * One process owns a DATA_DIR (a lock file says which); its connections share one session and run
 * one statement at a time, so transactions stay short.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: Server,
    private readonly handlers: Set<PGLiteSocketHandler>,
    private readonly lockFile: string,
    readonly url: string,
  ) {}

  static async start(dataDir: string, logger: Logger): Promise<EmbeddedPostgres> {
    await mkdir(dataDir, { recursive: true });
    const lockFile = path.join(dataDir, "embedded.lock");
    await acquireLock(lockFile);
    try {
      const db = await PGlite.create(path.join(dataDir, "pgdata"));
      const { server, handlers, port } = await serve(db);
      logger.info({ dataDir }, "embedded database started");
      return new EmbeddedPostgres(db, server, handlers, lockFile, `postgres://postgres@127.0.0.1:${port}/postgres`);
    } catch (error) {
      await rm(lockFile, { force: true });
      openHere.delete(lockFile);
      throw error;
    }
  }

  async stop(): Promise<void> {
    for (const handler of this.handlers) await handler.detach(true);
    await new Promise((resolve) => this.server.close(resolve));
    await this.db.close();
    await rm(this.lockFile, { force: true });
    openHere.delete(this.lockFile);
  }
}

/** Data folders this process has open; a lock file naming this process but not listed here is stale. */
const openHere = new Set<string>();

/** pglite-socket's connection handler, fed through our SessionQueue, on a loopback port. */
async function serve(db: PGlite): Promise<{ server: Server; handlers: Set<PGLiteSocketHandler>; port: number }> {
  const queue = new SessionQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const server = createServer((socket) => {
    if (handlers.size >= MAX_CONNECTIONS) {
      socket.end();
      return;
    }
    const handler = new PGLiteSocketHandler({ queryQueue: queue as never, closeOnDetach: true });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener("close", forget);
    handler.addEventListener("error", forget);
    void handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return { server, handlers, port: (server.address() as { port: number }).port };
}

async function acquireLock(lockFile: string): Promise<void> {
  if (openHere.has(lockFile)) throw new Error(`The embedded database in ${path.dirname(lockFile)} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      openHere.add(lockFile);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
      if (owner && owner !== process.pid && isAlive(owner)) { // our own pid here is a stale lock of an earlier life
        throw new Error(
          `The embedded database in ${path.dirname(lockFile)} is in use by process ${owner}; ` +
            "run several processes on MySQL and a shared job store (DATABASE_URL, JOBS_URL) instead",
        );
      }
      await rm(lockFile, { force: true }); // left behind by a process that died
    }
  }
  throw new Error(`Could not lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
