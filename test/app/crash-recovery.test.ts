import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { address, hrTenant, mailsTo, REGISTER } from "../support/hires.js";
import { freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";
import { processClient, startServiceProcess } from "../support/processes.js";
import { startTestSmtp } from "../support/smtp.js";

/** Starts the service in its own process and resolves with its URL once it listens. */


test("a process killed in the middle of sending, then restarted: the mail goes out exactly once, none lost, none doubled", async () => {
  const smtp = await startTestSmtp();
  const db = await freshMysqlDatabase();
  const jobs = await freshPostgresDatabase();
  const env = { DATABASE_URL: db.url, JOBS_URL: jobs.url, SMTP_URL: smtp.url, SEND_LEASE_MS: "1500", SWEEP_INTERVAL: "1 second" };
  let second: ChildProcess | undefined;
  try {
    const first = await startServiceProcess(env);
    const api = processClient(first.url);
    const tenant = await hrTenant(api);
    const [delivered, inFlight] = [address("delivered"), address("inflight")];
    const input = (email: string) => ({ input: { firstName: "Anna", lastName: "Berg", email, startDate: "2026-01-01", employmentTemplateId: tenant.templateId } });

    const before = await api.gql(REGISTER, input(delivered), tenant.key);
    assert.equal(before.data.registerHire.employment.connectStatus, "INVITATION_SENT");

    smtp.holdNext(20_000); // the SMTP server takes its time to accept the next mail …
    const hanging = api.gql(REGISTER, input(inFlight), tenant.key).catch(() => null);
    await sleep(1000); // … and the service is killed while it waits for the answer
    first.child.kill("SIGKILL");
    await once(first.child, "exit");
    await hanging;
    assert.equal(mailsTo(smtp, inFlight).length, 0, "the interrupted mail was not delivered");

    const restarted = await startServiceProcess(env);
    second = restarted.child;
    await smtp.waitFor(2, 20_000);
    await sleep(3000); // several more sweeps: none may send again
    assert.equal(mailsTo(smtp, delivered).length, 1, "the mail sent before the crash is not sent again");
    assert.equal(mailsTo(smtp, inFlight).length, 1, "the interrupted mail is sent once after the restart");
    const listed = await processClient(restarted.url).gql(`{ invitations(status: SENT) { totalCount edges { node { email attempts } } } }`, {}, tenant.key);
    assert.equal(listed.data.invitations.totalCount, 2, "both invitations are SENT");
  } finally {
    second?.kill("SIGTERM");
    if (second) await once(second, "exit");
    await smtp.close();
    await db.drop();
    await jobs.drop();
  }
});
