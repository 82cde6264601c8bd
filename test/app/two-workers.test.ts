import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { projectRoot } from "../../src/paths.js";
import { postGraphQL, type TestApp } from "../support/app.js";
import { address, hrTenant } from "../support/hires.js";
import { freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";
import { startTestSmtp } from "../support/smtp.js";

const OPERATOR_KEY = "operator-two-workers-key-0123456789abcdef";

async function startProcess(env: Record<string, string>, started: ChildProcess[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(projectRoot, "dist/test/fixtures/service-process.js")], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "warn", OPERATOR_API_KEY: OPERATOR_KEY, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  started.push(child); // stopped by the test's finally even if the other one fails to start
  child.stdout!.setEncoding("utf8");
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: string) => {
      out += chunk;
      const match = /listening (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the service exited with ${code} before listening`)));
  });
  return { child, url };
}

test("two workers on one job store, both sweeping every second, send each of 150 invitations exactly once", async () => {
  const smtp = await startTestSmtp();
  const db = await freshMysqlDatabase();
  const jobs = await freshPostgresDatabase();
  const env = { DATABASE_URL: db.url, JOBS_URL: jobs.url, SMTP_URL: smtp.url, SWEEP_INTERVAL: "1 second" };
  const children: ChildProcess[] = [];
  try {
    // started together: they also race to migrate the empty database and create the job table
    const [a] = await Promise.all([startProcess(env, children), startProcess(env, children)]);
    const api = { url: a!.url, operatorKey: OPERATOR_KEY, gql: (q, v, k) => postGraphQL(a!.url, q, v, k) } as TestApp;
    const tenant = await hrTenant(api);
    const emails = Array.from({ length: 150 }, (_, i) => address(`worker${i}`));
    const rows = emails.map((email) => ({ firstName: "Anna", lastName: "Berg", email, startDate: "2026-01-01", employmentTemplateId: tenant.templateId }));
    const report = await api.gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`, { rows }, tenant.key);
    assert.equal(report.data.importHires.created, 150);

    await smtp.waitFor(150, 60_000);
    await sleep(3000); // more sweeps on both workers: none may send again
    const perAddress = new Map<string, number>();
    for (const mail of smtp.received) for (const to of mail.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    assert.equal(smtp.received.length, 150, "150 mails in all");
    assert.deepEqual([...perAddress.values()].filter((n) => n !== 1), [], "no address twice");
    assert.deepEqual(emails.filter((e) => !perAddress.has(e)), [], "none lost");
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : null)));
    await smtp.close();
    await db.drop();
    await jobs.drop();
  }
});
