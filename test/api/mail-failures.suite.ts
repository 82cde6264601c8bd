import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Clock } from "../../src/services/clock.js";
import { startOn, type Environment, type TestApp } from "../support/app.js";
import { ACCOUNT_STATUS, address, advance, hrTenant, mailsTo, register, sandboxTenant, statusAfterSend, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

/** Wednesday 2026-03-25 14:00 Europe/Stockholm; a start the next day is mailed at once. */
const T0 = "2026-03-25T13:00:00Z";
const HOUR = 3_600_000;
const at = (ms: number) => new Date(new Date(T0).getTime() + ms).toISOString();
const INVITATION = "id email status sentAt attempts failureReason";
const EMPLOYMENT = `query($id: ID!) { employment(id: $id) { id connectStatus invitation { ${INVITATION} } history { kind detail } } }`;
const FAILED_LIST = `query { invitations(status: FAILED) { totalCount edges { node { id status failureReason } } } }`;
const LINK_INFO = `query($token: String!) { linkInfo(token: $token) { state } }`;
const METRICS_TOKEN = "m".repeat(40);
const exactly = (email: string) => new RegExp(`^${email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "i");

/**
 * R10, mail that fails for good: through the HTTP endpoint, on a real database and job store, with
 * a real SMTP server that refuses chosen addresses for good (550) or for now (451).
 */
export function mailFailuresSuite(label: string, environment: Environment): void {
  describe(`mail that fails (R10) on ${label}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let stop: () => Promise<void>;
    const clock = new Clock();

    before(async () => {
      smtp = await startTestSmtp();
      ({ t, stop } = await startOn(environment, smtp, { clock, env: { MAIL_FROM: "HR <hr@example.com>", METRICS_TOKEN }, jobTuning: { lockLifetimeMs: 4000 } }));
    });
    after(async () => {
      await stop?.();
      await smtp?.close();
    });

    const employment = async (tenant: HrTenant, id: string) => (await t.gql(EMPLOYMENT, { id }, tenant.key)).data.employment;
    const tries = (email: string) => smtp.recipientsTried.filter((to) => to.toLowerCase() === email.toLowerCase()).length;
    const masked = (email: string) => `${email[0]}***@${email.split("@")[1]}`;

    test("the schema has InvitationStatus.FAILED, ConnectStatus.INVITATION_FAILED and Invitation.failureReason (contract next/lifecycle.graphql)", async () => {
      const names = async (type: string) => {
        const { data } = await t.gql(`query($n: String!) { __type(name: $n) { enumValues { name } fields { name } } }`, { n: type });
        return [...(data.__type.enumValues ?? []), ...(data.__type.fields ?? [])].map((v: { name: string }) => v.name);
      };
      assert.ok((await names("InvitationStatus")).includes("FAILED"));
      assert.ok((await names("ConnectStatus")).includes("INVITATION_FAILED"));
      assert.ok((await names("Invitation")).includes("failureReason"));
    });

    describe("a sandbox tenant", () => {
      after(() => smtp.stopRefusing());

      test("550 at RCPT → FAILED with the server's reason (address masked), INVITATION_FAILED, tried once, in the history", async () => {
        const tenant = await sandboxTenant(t, T0);
        const email = address("unknown");
        smtp.refuseRecipients(exactly(email), `5.1.1 <${email}>: Recipient address rejected: User unknown`, 550);
        const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
        smtp.stopRefusing();

        const seen = await employment(tenant, hire.employment.id);
        assert.equal(seen.connectStatus, "INVITATION_FAILED");
        assert.equal(seen.invitation.status, "FAILED");
        assert.equal(seen.invitation.sentAt, null);
        assert.match(seen.invitation.failureReason, /550/);
        assert.match(seen.invitation.failureReason, /User unknown/);
        assert.ok(seen.invitation.failureReason.includes(masked(email)), seen.invitation.failureReason);
        assert.ok(!seen.invitation.failureReason.toLowerCase().includes(email.toLowerCase()), "no full address");
        const status = (await t.gql(ACCOUNT_STATUS, { id: hire.employee.id }, tenant.key)).data.accountStatus;
        assert.equal(status.connectStatus, "INVITATION_FAILED");
        const failed = seen.history.find((e: { kind: string }) => e.kind === "SEND_FAILED");
        assert.match(failed.detail, /refused for good, not retried/);
        assert.ok(!failed.detail.toLowerCase().includes(email.toLowerCase()));

        await advance(t, tenant, at(80 * HOUR)); // far past any retry
        assert.equal(tries(email), 1, "not retried");
        assert.equal(mailsTo(smtp, email).length, 0);
        assert.equal((await employment(tenant, hire.employment.id)).invitation.status, "FAILED");
        const list = (await t.gql(FAILED_LIST, {}, tenant.key)).data.invitations;
        assert.ok(list.edges.some((e: any) => e.node.id === seen.invitation.id && e.node.status === "FAILED"));
      });

      test("550 at DATA → FAILED, not retried", async () => {
        const tenant = await sandboxTenant(t, T0);
        const email = address("spam");
        const hire = await register(t, tenant, { email, startDate: "2026-03-30" }); // goes out 2026-03-27 09:00 local
        smtp.refuseNext(1, "5.7.1 Message rejected as spam", 550);
        await advance(t, tenant, at(100 * HOUR));
        const seen = await employment(tenant, hire.employment.id);
        assert.equal(seen.invitation.status, "FAILED");
        assert.match(seen.invitation.failureReason, /rejected as spam/);
        assert.equal(tries(email), 1);
      });

      test("451 twice, then accepted → retried with back-off, SENT on the third attempt", async () => {
        const tenant = await sandboxTenant(t, T0);
        const email = address("busy");
        smtp.refuseNext(2, "4.3.2 Try again later");
        const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
        assert.equal(hire.employment.invitation.status, "SCHEDULED");
        await advance(t, tenant, at(10 * 60_000));
        const seen = await employment(tenant, hire.employment.id);
        assert.equal(seen.invitation.status, "SENT");
        assert.equal(seen.invitation.attempts, 3);
        assert.equal(seen.invitation.sentAt, at(90_000), "retried after 30 s, then 1 min");
        assert.equal(seen.invitation.failureReason, null);
        assert.equal(mailsTo(smtp, email).length, 1);
        assert.equal(tries(email), 3);
      });
    });

    describe("a sandbox tenant whose SMTP server refuses for now, for ever", () => {
      test("451 keeps being retried for 72 hours from the first attempt, then FAILED — not before", async () => {
        const tenant = await sandboxTenant(t, T0);
        const email = address("full");
        smtp.refuseRecipients(exactly(email), "4.2.2 Mailbox full", 451);
        try {
          const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
          assert.equal(hire.employment.connectStatus, "INVITATION_SCHEDULED");
          await advance(t, tenant, at(71 * HOUR));
          const waiting = await employment(tenant, hire.employment.id);
          assert.equal(waiting.invitation.status, "SCHEDULED", "still retried after 71 h");
          assert.equal(waiting.connectStatus, "INVITATION_SCHEDULED");
          assert.ok(waiting.invitation.attempts > 10, `${waiting.invitation.attempts} attempts`);
          await advance(t, tenant, at(73 * HOUR));
          const failed = await employment(tenant, hire.employment.id);
          assert.equal(failed.invitation.status, "FAILED");
          assert.equal(failed.connectStatus, "INVITATION_FAILED");
          assert.match(failed.invitation.failureReason, /Mailbox full/);
          const last = failed.history.filter((e: { kind: string }) => e.kind === "SEND_FAILED").at(-1);
          assert.match(last.detail, /still refused after 72 h of retries/);
          const attempts = tries(email);
          await advance(t, tenant, at(200 * HOUR));
          assert.equal(tries(email), attempts, "no attempt after FAILED");
        } finally {
          smtp.stopRefusing();
        }
      });
    });

    describe("HR fixes it", () => {
      test("after FAILED, changeEmail to a good address → a new invitation sent to it at once", async () => {
        const tenant = await sandboxTenant(t, T0);
        const [bad, good] = [address("typo", "example.invalid"), address("fixed")];
        smtp.refuseRecipients(exactly(bad), "5.1.1 Recipient address rejected: User unknown", 550);
        try {
          const hire = await register(t, tenant, { email: bad, startDate: "2026-04-20" }); // planned weeks ahead…
          await advance(t, tenant, "2026-04-19T07:30:00Z"); // …and refused when it went out, 09:00 local the day before
          const failed = await employment(tenant, hire.employment.id);
          assert.equal(failed.invitation.status, "FAILED");
          await t.gql(`mutation($id: ID!, $e: EmailAddress!) { changeEmail(employeeId: $id, email: $e) { id } }`, { id: hire.employee.id, e: good }, tenant.key);
          const fixed = await employment(tenant, hire.employment.id);
          assert.notEqual(fixed.invitation.id, failed.invitation.id, "a new invitation");
          assert.equal(fixed.invitation.status, "SENT");
          assert.equal(fixed.invitation.email, good);
          assert.equal(fixed.invitation.sentAt, "2026-04-19T07:30:00.000Z", "at once, not at the next plan");
          assert.equal(fixed.connectStatus, "INVITATION_SENT");
          assert.equal(mailsTo(smtp, good).length, 1);
          const list = (await t.gql(FAILED_LIST, {}, tenant.key)).data.invitations;
          assert.ok(list.edges.some((e: any) => e.node.id === failed.invitation.id), "the failed one stays FAILED");
        } finally {
          smtp.stopRefusing();
        }
      });

      test("resendInvitation after FAILED → a new invitation with a working link", async () => {
        const tenant = await sandboxTenant(t, T0);
        const email = address("flaky");
        smtp.refuseRecipients(exactly(email), "5.2.1 Mailbox disabled", 550);
        const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
        smtp.stopRefusing(); // the hire's mailbox works again
        assert.equal(hire.employment.invitation.status, "FAILED");
        const resent = await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { ${INVITATION} } }`, { id: hire.employment.id }, tenant.key);
        assert.notEqual(resent.data.resendInvitation.id, hire.employment.invitation.id);
        assert.equal(resent.data.resendInvitation.status, "SENT");
        assert.equal(mailsTo(smtp, email).length, 1);
        assert.equal((await t.gql(LINK_INFO, { token: tokenMailedTo(smtp, email) })).data.linkInfo.state, "VALID");
        assert.equal((await employment(tenant, hire.employment.id)).connectStatus, "INVITATION_SENT");
      });
    });

    describe("a live tenant (the worker, the job store and the sweep)", () => {
      test("550 → FAILED at once; the sweep never tries it again", async () => {
        clock.setNow(new Date(T0));
        const tenant = await hrTenant(t);
        const email = address("live-unknown");
        smtp.refuseRecipients(exactly(email), "5.1.1 User unknown", 550);
        try {
          const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
          const status = await statusAfterSend(t, tenant, hire.employee.id);
          assert.equal(status.connectStatus, "INVITATION_FAILED");
          clock.setNow(new Date(new Date(T0).getTime() + 2 * HOUR));
          await t.app.services.dispatch.sweep();
          assert.equal(tries(email), 1);
          const seen = await employment(tenant, hire.employment.id);
          assert.equal(seen.invitation.status, "FAILED");
          assert.match(seen.invitation.failureReason, /User unknown/);
          const metrics = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
          const failedGauge = /^onboarding_invitations\{status="FAILED"\} (\d+)$/m.exec(metrics);
          assert.ok(failedGauge && Number(failedGauge[1]) >= 1, "operators see FAILED invitations");
        } finally {
          smtp.stopRefusing();
        }
      });

      test("451 twice, then accepted → retried with back-off and SENT once", async () => {
        clock.setNow(new Date(T0));
        const tenant = await hrTenant(t);
        const email = address("live-busy");
        smtp.refuseRecipients(exactly(email), "4.2.1 Try later", 451);
        const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
        // the refusal is recorded (SEND_FAILED) a moment after the SMTP server answered
        const failures = async () => (await employment(tenant, hire.employment.id)).history.filter((e: { kind: string }) => e.kind === "SEND_FAILED").length;
        const waitForAttempts = async (n: number) => {
          for (let i = 0; i < 100 && (await failures()) < n; i++) await new Promise((r) => setTimeout(r, 50));
          assert.equal(tries(email), n);
        };
        await waitForAttempts(1);
        clock.setNow(new Date(new Date(T0).getTime() + 45_000)); // the clock runs on: past the retry 30 s after the first attempt
        await t.app.services.dispatch.sweep();
        await waitForAttempts(2);
        smtp.stopRefusing();
        clock.setNow(new Date(new Date(T0).getTime() + 180_000)); // past the next one, 1 min later
        await t.app.services.dispatch.sweep();
        await smtp.waitFor(smtp.received.length + (mailsTo(smtp, email).length ? 0 : 1));
        const seen = await employment(tenant, hire.employment.id);
        assert.equal(seen.invitation.status, "SENT");
        assert.equal(seen.invitation.attempts, 3);
        assert.equal(mailsTo(smtp, email).length, 1);
        assert.equal(tries(email), 3);
      });
    });
  });
}
