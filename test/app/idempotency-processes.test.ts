import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import mysql from "mysql2/promise";
import { hrTenant, register } from "../support/hires.js";
import { processClient, startServiceProcess } from "../support/processes.js";
import { freshMysqlDatabase, services } from "../support/services.js";
import { postWithKey } from "../http/idempotency.suite.js";

const CHANGE_START = `mutation($id: ID!, $date: LocalDate!) { changeStartDate(employmentId: $id, startDate: $date) { id startDate } }`;
const STALE_MS = 2000;

/** Waits until a request has claimed an Idempotency-Key (its row is committed); throws when its time is up. */
async function claimed(db: mysql.Connection, count: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [rows] = await db.query("SELECT COUNT(*) AS n FROM idempotency_key");
    if (Number((rows as { n: number }[])[0]!.n) >= count) return;
    if (Date.now() > until) throw new Error(`no ${count} claimed keys within ${timeoutMs} ms`);
    await sleep(50);
  }
}

test("two api processes sharing MariaDB honour one Idempotency-Key: CONFLICT (409) while it runs elsewhere, then its answer; a dead process's claim is free once stale", async () => {
  const db = await freshMysqlDatabase();
  const env = { DATABASE_URL: db.url, JOBS_URL: services.redis, ROLE: "api", IDEMPOTENCY_STALE_MS: String(STALE_MS) };
  const children: ChildProcess[] = [];
  const lock = await mysql.createConnection(db.url); // holds the employment's row lock, as a slow change would
  const probe = await mysql.createConnection(db.url);
  try {
    const [a, b] = await Promise.all([startServiceProcess(env, children), startServiceProcess(env, children)]);
    const tenant = await hrTenant(processClient(a!.url));
    const hire = await register(processClient(a!.url), tenant, { email: "anna@example.org", startDate: "2031-06-02" });
    const employmentId = hire.employment.id as string;
    const move = (date: string) => ({ id: employmentId, date });

    await lock.beginTransaction();
    await lock.query("SELECT id FROM employment WHERE id = ? FOR UPDATE", [employmentId]);
    const first = postWithKey(a!.url, tenant.key, "move-1", CHANGE_START, move("2031-07-01"));
    await claimed(probe, 1);
    await sleep(STALE_MS * 1.5); // longer than a claim stays fresh unrenewed: the running request renews it
    const meanwhile = await postWithKey(b!.url, tenant.key, "move-1", CHANGE_START, move("2031-07-01"));
    assert.equal(meanwhile.status, 409);
    assert.equal(meanwhile.json.errors[0].extensions.code, "CONFLICT");
    assert.match(meanwhile.json.errors[0].message, /still running/);
    const otherBody = await postWithKey(b!.url, tenant.key, "move-1", CHANGE_START, move("2031-08-01"));
    assert.equal(otherBody.status, 422);
    await lock.commit();
    const answered = await first;
    assert.equal(answered.json.data.changeStartDate.startDate, "2031-07-01");
    const retry = await postWithKey(b!.url, tenant.key, "move-1", CHANGE_START, move("2031-07-01"));
    assert.equal(retry.replayed, true, "the other process answers the first answer");
    assert.equal(retry.text, answered.text);

    // a process killed while its request waits: the claim stays, then goes stale, and a retry runs
    await lock.beginTransaction();
    await lock.query("SELECT id FROM employment WHERE id = ? FOR UPDATE", [employmentId]);
    const doomed = postWithKey(a!.url, tenant.key, "move-2", CHANGE_START, move("2031-09-01")).catch(() => null);
    await claimed(probe, 2);
    a!.child.kill("SIGKILL");
    await once(a!.child, "exit");
    assert.equal(await doomed, null, "the killed process never answered");
    await lock.commit();
    const tooSoon = await postWithKey(b!.url, tenant.key, "move-2", CHANGE_START, move("2031-09-01"));
    assert.equal(tooSoon.status, 409, "a fresh claim is still taken to be running");
    await sleep(STALE_MS + 500);
    const retried = await postWithKey(b!.url, tenant.key, "move-2", CHANGE_START, move("2031-09-01"));
    assert.equal(retried.status, 200);
    assert.equal(retried.replayed, false);
    assert.equal(retried.json.data.changeStartDate.startDate, "2031-09-01");
    const again = await postWithKey(b!.url, tenant.key, "move-2", CHANGE_START, move("2031-09-01"));
    assert.equal(again.text, retried.text);
  } finally {
    await lock.end().catch(() => undefined);
    await probe.end().catch(() => undefined);
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, "exit") : null)));
    await db.drop();
  }
});
