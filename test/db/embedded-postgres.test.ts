import { test } from "node:test";
import assert from "node:assert/strict";
import { access, chmod, mkdir, readdir, readFile, readlink, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { EmbeddedPostgres } from "../../src/db/embedded-postgres.js";
import { createLogger } from "../../src/log.js";
import { freshDataDir } from "../support/services.js";

test("the embedded database keeps each connection's statements apart under concurrency, failures included", async () => {
  const data = await freshDataDir();
  const embedded = await EmbeddedPostgres.start(data.dir, createLogger("silent"));
  const pool = new pg.Pool({ connectionString: embedded.url, max: 8 });
  try {
    await pool.query("CREATE TABLE item (id int PRIMARY KEY, name text)");
    await pool.query("INSERT INTO item VALUES (1, 'one')");
    const wrong: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let i = 0; i < 60; i++) {
          const shape = (worker + i) % 3;
          if (shape === 0) {
            const { rows } = await pool.query("SELECT $1::int + $2::int AS sum", [i, worker]);
            if (rows[0].sum !== i + worker) wrong.push(`sum ${i}+${worker} = ${rows[0].sum}`);
          } else if (shape === 1) {
            const { rows } = await pool.query("SELECT name FROM item WHERE id = $1", [1]);
            if (rows[0]?.name !== "one") wrong.push(`name = ${rows[0]?.name}`);
          } else {
            // a failing statement in a transaction, rolled back, must not disturb the others
            const client = await pool.connect();
            try {
              await client.query("BEGIN");
              await client.query("INSERT INTO item VALUES ($1, $2)", [1, "duplicate"]).then(
                () => wrong.push("duplicate accepted"),
                (error: { code?: string }) => error.code === "23505" || wrong.push(`unexpected ${error.code}`),
              );
              await client.query("ROLLBACK");
            } finally {
              client.release();
            }
          }
        }
      }),
    );
    assert.deepEqual(wrong, []);
  } finally {
    await pool.end();
    await embedded.stop();
    await data.remove();
  }
});

test("the embedded database: every connection may prepare the same named statement (one session holds it for all), and each gets its own rows", async () => {
  const data = await freshDataDir();
  const embedded = await EmbeddedPostgres.start(data.dir, createLogger("silent"));
  const pool = new pg.Pool({ connectionString: embedded.url, max: 6 });
  try {
    await pool.query("CREATE TABLE item (id int PRIMARY KEY, name text)");
    await pool.query("INSERT INTO item SELECT n, 'item ' || n FROM generate_series(1, 50) AS n");
    const byId = { name: "item_by_id", text: "SELECT name FROM item WHERE id = $1" };
    const wrong: string[] = [];
    // six connections at once, each preparing the statement for itself on first use, then running it
    // (a generic plan after the fifth run); a statement of another text under another name beside it
    await Promise.all(
      Array.from({ length: 6 }, async (_, worker) => {
        const client = await pool.connect();
        try {
          for (let i = 1; i <= 20; i++) {
            const id = ((worker * 7 + i) % 50) + 1;
            const { rows } = await client.query({ ...byId, values: [id] });
            if (rows[0]?.name !== `item ${id}`) wrong.push(`${id}: ${rows[0]?.name}`);
            const { rows: count } = await client.query({ name: "items_below", text: "SELECT count(*)::int AS n FROM item WHERE id < $1", values: [id] });
            if (count[0]?.n !== id - 1) wrong.push(`below ${id}: ${count[0]?.n}`);
          }
        } finally {
          client.release();
        }
      }),
    );
    assert.deepEqual(wrong, []);
    // a connection that comes later prepares it again, as a new client does
    const late = new pg.Client({ connectionString: embedded.url });
    await late.connect();
    try {
      assert.equal((await late.query({ ...byId, values: [42] })).rows[0].name, "item 42");
    } finally {
      await late.end();
    }
  } finally {
    await pool.end();
    await embedded.stop();
    await data.remove();
  }
});

/** Inodes of the TCP sockets this process listens on (Linux: /proc/net/tcp*, /proc/self/fd). */
async function listeningTcpSockets(): Promise<Set<string>> {
  const listening = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const rows = (await readFile(table, "utf8").catch(() => "")).trim().split("\n").slice(1);
    for (const columns of rows.map((row) => row.trim().split(/\s+/))) if (columns[3] === "0A") listening.add(columns[9]!);
  }
  const mine = new Set<string>();
  for (const fd of await readdir("/proc/self/fd")) {
    const inode = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/self/fd/${fd}`).catch(() => ""))?.[1];
    if (inode && listening.has(inode)) mine.add(inode);
  }
  return mine;
}

/** Every entry under `dir` whose permissions are not owner-only (directories 0700, files and sockets 0600). */
async function notOwnerOnly(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string) => {
    const info = await stat(at);
    const mode = info.mode & 0o777;
    if (mode !== (info.isDirectory() ? 0o700 : 0o600)) found.push(`${path.relative(dir, at) || "."} ${mode.toString(8)}`);
    if (info.isDirectory()) for (const name of await readdir(at)) await walk(path.join(at, name));
  };
  await walk(dir);
  return found;
}

test("the embedded database is served on a Unix socket of its owner's only (0600 in a 0700 folder of DATA_DIR), on no TCP port; DATA_DIR and all in it are owner-only", async () => {
  const data = await freshDataDir();
  // what an earlier version left: a readable folder and file
  await chmod(data.dir, 0o755);
  await mkdir(path.join(data.dir, "mail"), { mode: 0o755 });
  await writeFile(path.join(data.dir, "mail", "old.eml"), "Subject: a link\n", { mode: 0o644 });
  const tcpBefore = await listeningTcpSockets();
  const embedded = await EmbeddedPostgres.start(data.dir, createLogger("silent"));
  const pool = new pg.Pool({ connectionString: embedded.url, max: 2 });
  try {
    await pool.query("CREATE TABLE made_after_start (id int PRIMARY KEY, name text)"); // files PGlite creates at run time
    await pool.query("INSERT INTO made_after_start VALUES (1, 'one')");
    assert.equal((await pool.query("SELECT name FROM made_after_start")).rows[0].name, "one");

    const url = new URL(embedded.url);
    assert.equal(url.host, "", "no host and no port in the URL");
    const socketDir = url.searchParams.get("host")!;
    assert.equal(path.dirname(socketDir), data.dir, "the socket's folder is in DATA_DIR");
    const socket = await stat(path.join(socketDir, ".s.PGSQL.5432"));
    assert.ok(socket.isSocket());
    assert.equal((socket.mode & 0o777).toString(8), "600");
    assert.equal(((await stat(socketDir)).mode & 0o777).toString(8), "700");
    assert.deepEqual([...(await listeningTcpSockets())].filter((inode) => !tcpBefore.has(inode)), [], "no TCP port listens");

    assert.deepEqual(await notOwnerOnly(data.dir), []);
  } finally {
    await pool.end();
    await embedded.stop();
    await data.remove();
  }
});

test("a DATA_DIR whose path is too long for a socket: the socket is in a private temporary folder, removed at stop", async () => {
  const data = await freshDataDir();
  const dataDir = path.join(data.dir, "a-folder-with-a-long-name-".repeat(4));
  const embedded = await EmbeddedPostgres.start(dataDir, createLogger("silent"));
  const socketDir = new URL(embedded.url).searchParams.get("host")!;
  try {
    assert.equal(path.dirname(socketDir), tmpdir());
    assert.equal(((await stat(socketDir)).mode & 0o777).toString(8), "700");
    assert.equal(((await stat(path.join(socketDir, ".s.PGSQL.5432"))).mode & 0o777).toString(8), "600");
    const client = new pg.Client({ connectionString: embedded.url });
    await client.connect();
    assert.equal((await client.query("SELECT 1 + 1 AS two")).rows[0].two, 2);
    await client.end();
  } finally {
    await embedded.stop();
    await data.remove();
  }
  await assert.rejects(access(socketDir), { code: "ENOENT" });
});
