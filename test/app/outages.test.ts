import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Clock } from "../../src/services/clock.js";
import { errorCode, startTestApp, type TestApp } from "../support/app.js";
import { ACCOUNT_STATUS, EMPLOYMENT, address, advance, hrTenant, mailsTo, register, sandboxTenant, statusAfterSend } from "../support/hires.js";
import { freshMysqlDatabase, services } from "../support/services.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";

describe("outages", () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let smtpLine: TcpProxy;
  let dbLine: TcpProxy;
  let drop: () => Promise<void>;
  const clock = new Clock();

  before(async () => {
    smtp = await startTestSmtp();
    smtpLine = await startTcpProxy(smtp.url);
    const db = await freshMysqlDatabase();
    drop = db.drop;
    dbLine = await startTcpProxy(db.url);
    t = await startTestApp(
      { DATABASE_URL: dbLine.via(db.url), JOBS_URL: services.redis, SMTP_URL: smtpLine.via(smtp.url), OPERATOR_API_KEY: "o".repeat(40) },
      { clock, jobTuning: { sweepInterval: "1 second" } },
    );
  });
  after(async () => {
    await t?.stop();
    await smtpLine?.close();
    await dbLine?.close();
    await smtp?.close();
    await drop?.();
  });

  test("the SMTP server is gone for a while: mails are retried with back-off, the failure shows, all go out once it is back", async () => {
    const tenant = await sandboxTenant(t, "2026-03-25T13:00:00Z");
    smtpLine.cut();
    const emails = [1, 2, 3].map((i) => address(`outage${i}`));
    const hires = [];
    for (const email of emails) hires.push(await register(t, tenant, { email, startDate: "2026-03-26" }));
    for (const hire of hires) {
      assert.equal(hire.employment.connectStatus, "INVITATION_SCHEDULED");
      assert.equal(hire.employment.invitation.attempts, 1);
      assert.ok(hire.employment.invitation.lastError, "the invitation shows why it is not sent");
    }
    await advance(t, tenant, "2026-03-25T13:00:40Z"); // the first retry, 30 s later: still gone
    const retried = await t.gql(EMPLOYMENT, { id: hires[0]!.employment.id }, tenant.key);
    assert.equal(retried.data.employment.invitation.attempts, 2);
    assert.equal(retried.data.employment.invitation.status, "SCHEDULED");

    smtpLine.restore();
    await advance(t, tenant, "2026-03-25T13:05:00Z");
    for (const email of emails) assert.equal(mailsTo(smtp, email).length, 1, `${email}: sent once it was back`);
    const sent = await t.gql(EMPLOYMENT, { id: hires[0]!.employment.id }, tenant.key);
    assert.equal(sent.data.employment.invitation.status, "SENT");
    assert.equal(sent.data.employment.invitation.lastError, null);
    await advance(t, tenant, "2026-03-26T13:00:00Z");
    for (const email of emails) assert.equal(mailsTo(smtp, email).length, 1, "and never again");
  });

  test("the database is gone for ~30 s: requests fail at once with a clear error, nothing is lost, both API and worker recover", async () => {
    clock.setNow(new Date("2026-03-25T13:00:00Z"));
    const tenant = await hrTenant(t);
    const email = address("dbdown");
    const hire = await register(t, tenant, { email, startDate: "2026-03-27" }); // due 2026-03-26 08:00Z

    dbLine.cut();
    clock.setNow(new Date("2026-03-26T08:00:01Z")); // the send falls due while the database is away
    const startedAt = Date.now();
    const failed = await t.gql(ACCOUNT_STATUS, { id: hire.employee.id }, tenant.key);
    assert.ok(Date.now() - startedAt < 10_000, "an answer, not a hang");
    assert.equal(errorCode(failed), "SERVICE_UNAVAILABLE");
    assert.equal(failed.status, 503);
    assert.match(failed.errors![0]!.message, /temporarily unavailable/);
    assert.equal((await fetch(`${t.url}/readyz`)).status, 503);
    await sleep(30_000);
    assert.equal(mailsTo(smtp, email).length, 0, "nothing could be sent meanwhile");

    dbLine.restore();
    await smtp.waitFor(smtp.received.length + 1, 20_000); // the sweep finds the due send by itself
    assert.equal((await fetch(`${t.url}/readyz`)).status, 200);
    assert.equal((await statusAfterSend(t, tenant, hire.employee.id)).connectStatus, "INVITATION_SENT");
    await sleep(3000);
    assert.equal(mailsTo(smtp, email).length, 1, "sent once");
  });
});
