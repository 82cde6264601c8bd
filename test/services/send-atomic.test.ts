import { test } from "node:test";
import assert from "node:assert/strict";
import mysql from "mysql2/promise";
import { Clock } from "../../src/services/clock.js";
import { startTestApp } from "../support/app.js";
import { ACCOUNT_STATUS, address, hrTenant, mailsTo, register } from "../support/hires.js";
import { freshMysqlDatabase, services } from "../support/services.js";
import { startTestSmtp } from "../support/smtp.js";

const HISTORY = `query($id: ID!) { employment(id: $id) { history { kind } } }`;

test("an invitation is marked SENT only together with its history event; when the event cannot be written, the send is made good later", async () => {
  const smtp = await startTestSmtp();
  const db = await freshMysqlDatabase();
  const clock = new Clock();
  const t = await startTestApp(
    { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40), SMTP_URL: smtp.url },
    { clock, jobTuning: { lockLifetimeMs: 4000, sweepInterval: "1 hour" } },
  );
  const sql = await mysql.createConnection(db.url);
  try {
    clock.setNow(new Date("2026-03-25T13:00:00Z"));
    const tenant = await hrTenant(t);
    const email = address("atomic");
    const hire = await register(t, tenant, { email, startDate: "2026-03-27" });
    const kinds = async () => (await t.gql(HISTORY, { id: hire.employment.id }, tenant.key)).data.employment.history.map((e: { kind: string }) => e.kind);

    // the history table refuses SENT events, as a database failing between two statements would
    await sql.query(`CREATE TRIGGER refuse_sent BEFORE INSERT ON employment_event FOR EACH ROW
      BEGIN IF NEW.kind = 'SENT' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'history refused'; END IF; END`);
    clock.setNow(new Date("2026-03-26T08:00:00Z"));
    await assert.rejects(t.app.services.dispatch.deliver(hire.employment.invitation.id), /history refused/);
    assert.equal(mailsTo(smtp, email).length, 1, "the mail had gone out");
    const meanwhile = (await t.gql(ACCOUNT_STATUS, { id: hire.employee.id }, tenant.key)).data.accountStatus;
    assert.equal(meanwhile.invitation.sentAt, null, "not SENT without its event …");
    assert.equal(meanwhile.connectStatus, "INVITATION_SCHEDULED");
    assert.deepEqual(await kinds(), ["REGISTERED", "PLANNED"], "… and no event without SENT");

    // the history works again; once the send's lease has run out the sweep sends it again
    await sql.query("DROP TRIGGER refuse_sent");
    clock.setNow(new Date("2026-03-26T08:03:00Z"));
    await t.app.services.dispatch.sweep();
    assert.equal(mailsTo(smtp, email).length, 2, "a new mail, with a link that works");
    const status = (await t.gql(ACCOUNT_STATUS, { id: hire.employee.id }, tenant.key)).data.accountStatus;
    assert.equal(status.connectStatus, "INVITATION_SENT");
    assert.deepEqual(await kinds(), ["REGISTERED", "PLANNED", "SENT"]);
  } finally {
    await sql.end();
    await t.stop();
    await smtp.close();
    await db.drop();
  }
});
