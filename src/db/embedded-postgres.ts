import { chmod, mkdir, mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createServer, type Server } from "node:net";
import { PGLiteSocketHandler } from "@electric-sql/pglite-socket";
import { keepDataDirPrivate, makeOwnerOnly } from "../data-dir.js";
import type { Logger } from "../log.js";
import { SessionQueue } from "./pglite-session-queue.js";

const MAX_CONNECTIONS = 64;
/** The socket's name is PostgreSQL's for this port: clients find it as `host=<folder>` with the default port. */
const SOCKET_NAME = ".s.PGSQL.5432";
/** Linux keeps a socket's path in 108 bytes, its terminating zero included. */
const MAX_SOCKET_PATH = 107;

/**
 * The embedded database: PostgreSQL compiled to WebAssembly (PGlite), kept in DATA_DIR and served on a
 * Unix socket there, so that TypeORM's `postgres` driver and Agenda's PostgreSQL backend use it unchanged.
 * PGlite has no authentication and one session for all connections, so the socket (0600, in a 0700
 * folder) and DATA_DIR are its owner's only: no other local user can connect or read the files.
 * One process owns a DATA_DIR (a lock file says which); its connections share one session and run
 * one statement at a time, so transactions stay short.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: Server,
    private readonly handlers: Set<PGLiteSocketHandler>,
    private readonly lockFile: string,
    private readonly socket: SocketPlace,
    /** `postgres:///postgres?host=<socket folder>&user=postgres`: no TCP host or port. */
    readonly url: string,
  ) {}

  static async start(dataDir: string, logger: Logger): Promise<EmbeddedPostgres> {
    await keepDataDirPrivate(dataDir);
    const lockFile = path.join(dataDir, "embedded.lock");
    await acquireLock(lockFile);
    try {
      const pgdata = path.join(dataDir, "pgdata");
      const db = await PGlite.create(pgdata);
      await makeOwnerOnly(pgdata); // its first start writes files 0666 whatever the umask
      const socket = await socketPlace(dataDir, logger);
      const { server, handlers } = await serve(db, socket.path);
      logger.info({ dataDir, socket: socket.path }, "embedded database started");
      const url = `postgres:///postgres?host=${encodeURIComponent(socket.folder)}&user=postgres`;
      return new EmbeddedPostgres(db, server, handlers, lockFile, socket, url);
    } catch (error) {
      await rm(lockFile, { force: true });
      openHere.delete(lockFile);
      throw error;
    }
  }

  async stop(): Promise<void> {
    for (const handler of this.handlers) await handler.detach(true);
    await new Promise((resolve) => this.server.close(resolve));
    await rm(this.socket.path, { force: true });
    if (this.socket.temporary) await rm(this.socket.folder, { recursive: true, force: true });
    await this.db.close();
    await rm(this.lockFile, { force: true });
    openHere.delete(this.lockFile);
  }
}

/** Data folders this process has open; a lock file naming this process but not listed here is stale. */
const openHere = new Set<string>();

interface SocketPlace {
  folder: string;
  path: string;
  /** Outside DATA_DIR (its path was too long for a socket): removed at stop. */
  temporary: boolean;
}

/** `DATA_DIR/pgsocket/.s.PGSQL.5432`, or, when DATA_DIR's path is too long for a socket, a private (0700) folder in the system's temp folder. */
async function socketPlace(dataDir: string, logger: Logger): Promise<SocketPlace> {
  let folder = path.join(dataDir, "pgsocket");
  let temporary = false;
  if (Buffer.byteLength(path.join(folder, SOCKET_NAME)) > MAX_SOCKET_PATH) {
    folder = await mkdtemp(path.join(tmpdir(), "onboarding-pg-"));
    temporary = true;
    logger.info({ dataDir, folder }, "DATA_DIR's path is too long for a socket: the embedded database's socket is in a private temporary folder");
  }
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
  const socketPath = path.join(folder, SOCKET_NAME);
  await rm(socketPath, { force: true }); // left by a process that died: we hold DATA_DIR's lock
  return { folder, path: socketPath, temporary };
}

/** pglite-socket's connection handler, fed through our SessionQueue, on a Unix socket of its owner's only. */
async function serve(db: PGlite, socketPath: string): Promise<{ server: Server; handlers: Set<PGLiteSocketHandler> }> {
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
    server.listen(socketPath, resolve);
  });
  await chmod(socketPath, 0o600); // until now the folder (0700) kept others out
  return { server, handlers };
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
