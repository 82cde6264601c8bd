import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import pg from "pg";
import { projectRoot } from "../../src/paths.js";
import { freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";

test("SIGTERM lets the running job finish, keeps its state, and exits 0 promptly", async () => {
  const db = await freshMysqlDatabase();
  const jobs = await freshPostgresDatabase();
  try {
    const child = spawn(process.execPath, [path.join(projectRoot, "dist/test/fixtures/slow-job-process.js")], {
      env: { ...process.env, PORT: "0", DATABASE_URL: db.url, JOBS_URL: jobs.url, LOG_LEVEL: "warn", SLOW_JOB_MS: "2000", OPERATOR_API_KEY: "x".repeat(40) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    const started = new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: string) => {
        stdout += chunk;
        if (stdout.includes("job-started")) resolve();
      });
    });
    await started;
    const signalledAt = Date.now();
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];

    assert.equal(code, 0, "exit code 0");
    assert.ok(stdout.includes("job-finished"), "the running job was allowed to finish");
    assert.ok(Date.now() - signalledAt < 15_000, "exited promptly, not after Agenda's five-minute timer");

    const client = new pg.Client({ connectionString: jobs.url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT last_finished_at, locked_at FROM agenda_jobs WHERE name = 'test.slow'");
      assert.equal(rows.length, 1);
      assert.ok(rows[0].last_finished_at, "the job store records that it finished");
      assert.equal(rows[0].locked_at, null, "and holds no lock on it");
    } finally {
      await client.end();
    }
  } finally {
    await db.drop();
    await jobs.drop();
  }
});
