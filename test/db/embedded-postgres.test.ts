import { test } from "node:test";
import assert from "node:assert/strict";
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
