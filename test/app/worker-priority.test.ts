import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdir, readFile } from "node:fs/promises";
import { freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";
import { startServiceProcess } from "../support/processes.js";

/** The nice value of each thread of a process, as `ps -L -o nice` shows it. */
async function niceOfThreads(pid: number): Promise<number[]> {
  const values: number[] = [];
  for (const thread of await readdir(`/proc/${pid}/task`)) {
    const stat = await readFile(`/proc/${pid}/task/${thread}/stat`, "utf8").catch(() => null); // a thread that just ended
    if (stat) values.push(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
  }
  return values;
}

test("a ROLE=worker process runs at a lower CPU priority (WORKER_NICE, 10 by default); an api process keeps the normal one", { skip: process.platform !== "linux" && "reads /proc" }, async () => {
  const db = await freshMysqlDatabase();
  const jobs = await freshPostgresDatabase();
  const env = { DATABASE_URL: db.url, JOBS_URL: jobs.url };
  const children: ChildProcess[] = [];
  try {
    const api = await startServiceProcess({ ...env, ROLE: "api" }, children);
    const worker = await startServiceProcess({ ...env, ROLE: "worker" }, children);
    const nicer = await startServiceProcess({ ...env, ROLE: "worker", WORKER_NICE: "15" }, children);
    const unchanged = await startServiceProcess({ ...env, ROLE: "worker", WORKER_NICE: "0" }, children);

    const apiThreads = await niceOfThreads(api.child.pid!);
    assert.deepEqual([...new Set(apiThreads)], [0], "every thread of the api process at nice 0");
    const workerThreads = await niceOfThreads(worker.child.pid!);
    assert.ok(workerThreads.length > 1, "a Node process has helper threads");
    assert.deepEqual([...new Set(workerThreads)], [10], "every thread of the worker at nice 10, the helpers too");
    assert.deepEqual([...new Set(await niceOfThreads(nicer.child.pid!))], [15]);
    assert.deepEqual([...new Set(await niceOfThreads(unchanged.child.pid!))], [0], "WORKER_NICE=0 leaves it alone");
    for (const { url } of [worker, nicer]) assert.equal((await fetch(`${url}/readyz`)).status, 200, "the worker is up and ready");
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : null)));
    await db.drop();
    await jobs.drop();
  }
});
