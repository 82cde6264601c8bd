import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Clock } from "../../src/services/clock.js";
import { startOn, type Environment, type TestApp } from "../support/app.js";
import { address, advance, hrTenant, mailsTo, register, sandboxTenant, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

/** Wednesday 2026-03-25 14:00 Europe/Stockholm: a start the next day is mailed at once; its link expires 00:00 on Monday 30 March (22:00Z on the 29th). */
const T0 = "2026-03-25T13:00:00Z";
const EXPIRES = "2026-03-29T22:00:00.000Z";
const INVITATION = "id email status sentAt expiresAt remindedAt verifiedAt lastError";
const EMPLOYMENT = `query($id: ID!) { employment(id: $id) { id connectStatus invitation { ${INVITATION} } history { kind at detail } } }`;
const LINK_INFO = `query($token: String!) { linkInfo(token: $token) { state maskedEmail expiresAt replacedByReminder } }`;
const VERIFY = `mutation($token: String!) { verifyInvitation(token: $token) { connectAccount { id email } } }`;
const SETTINGS = `mutation($n: Int) { setTenantSettings(input: { reminderDaysBeforeExpiry: $n }) { reminderDaysBeforeExpiry } }`;
const METRICS_TOKEN = "m".repeat(40);
const exactly = (email: string) => new RegExp(`^${email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "i");

/**
 * R10, reminders: through the HTTP endpoint, on a real database and job store, with a real SMTP
 * server whose mails are read for their links. Sandbox tenants move on their test clocks; a live
 * tenant's reminder comes from its job, or from the sweep.
 */
export function remindersSuite(label: string, environment: Environment): void {
  describe(`reminders (R10) on ${label}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let stop: () => Promise<void>;
    const clock = new Clock();

    before(async () => {
      smtp = await startTestSmtp();
      ({ t, stop } = await startOn(environment, smtp, { clock, env: { METRICS_TOKEN }, jobTuning: { lockLifetimeMs: 4000 } }));
    });
    after(async () => {
      await stop?.();
      await smtp?.close();
    });

    const employment = async (tenant: HrTenant, id: string) => (await t.gql(EMPLOYMENT, { id }, tenant.key)).data.employment;
    const linkInfo = async (token: string) => (await t.gql(LINK_INFO, { token })).data.linkInfo;
    const remind = async (tenant: HrTenant, n: number | null) => {
      const response = await t.gql(SETTINGS, { n }, tenant.key);
      assert.equal(response.data?.setTenantSettings.reminderDaysBeforeExpiry, n, JSON.stringify(response.errors));
    };
    /** A sandbox tenant (clock at T0) reminding `n` days before expiry, and a hire whose link went out at T0. */
    const sentAtT0 = async (n: number | null, name = "hire") => {
      const tenant = await sandboxTenant(t, T0);
      if (n !== null) await remind(tenant, n);
      const email = address(name);
      const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
      assert.equal(hire.employment.invitation.status, "SENT");
      assert.equal(hire.employment.invitation.expiresAt, EXPIRES);
      return { tenant, email, hire, firstToken: tokenMailedTo(smtp, email) };
    };

    test("N = 2 → one reminder at 09:00 Stockholm on Saturday 28 March with a new link, the same expiry; the first link answers LINK_INVALID and points to the newest mail", async () => {
      const { tenant, email, hire, firstToken } = await sentAtT0(2);
      await advance(t, tenant, "2026-03-28T07:59:59Z");
      assert.equal(mailsTo(smtp, email).length, 1, "not before 09:00");
      await advance(t, tenant, "2026-03-28T10:00:00Z");
      const mails = mailsTo(smtp, email);
      assert.equal(mails.length, 2, "the reminder");
      assert.match(mails[1]!.subject, /Påminnelse: skapa ditt konto \/ Reminder: create your account/);
      assert.match(mails[1]!.text, /länken i det tidigare mejlet fungerar inte längre/);
      assert.match(mails[1]!.text, /the link in the earlier e-mail no longer works/);
      assert.match(mails[1]!.text, /söndag 29 mars 2026/, "the same last day as the first mail");
      const newToken = tokenMailedTo(smtp, email);
      assert.notEqual(newToken, firstToken);

      const seen = await employment(tenant, hire.employment.id);
      assert.equal(seen.invitation.id, hire.employment.invitation.id, "the same invitation");
      assert.equal(seen.invitation.status, "SENT");
      assert.equal(seen.invitation.remindedAt, "2026-03-28T08:00:00.000Z", "09:00 local (winter time)");
      assert.equal(seen.invitation.expiresAt, EXPIRES, "the expiry stays");
      assert.equal(seen.connectStatus, "INVITATION_SENT");
      const reminded = seen.history.filter((e: { kind: string }) => e.kind === "REMINDED");
      assert.equal(reminded.length, 1);
      assert.equal(reminded[0].at, "2026-03-28T08:00:00.000Z");
      assert.ok(reminded[0].detail.includes(`${email[0]}***@example.org`), reminded[0].detail);
      assert.ok(!reminded[0].detail.includes(email) && !reminded[0].detail.includes(newToken), "no address, no token");

      assert.deepEqual(await linkInfo(firstToken), { state: "INVALID", maskedEmail: null, expiresAt: null, replacedByReminder: true });
      assert.deepEqual(await linkInfo(newToken), { state: "VALID", maskedEmail: `${email[0]}***@example.org`, expiresAt: EXPIRES, replacedByReminder: false });
      const page = await (await fetch(`${t.url}/verify?token=${firstToken}&lang=en`)).text();
      assert.match(page, /data-state="INVALID"/);
      assert.match(page, /We sent you a reminder with a new link/);
      const sv = await (await fetch(`${t.url}/verify?token=${firstToken}&lang=sv`)).text();
      assert.match(sv, /Vi har skickat en påminnelse med en ny länk/);
      const refused = await t.gql(VERIFY, { token: firstToken });
      assert.equal(refused.errors?.[0]?.extensions?.code, "LINK_INVALID");
      assert.equal(refused.errors?.[0]?.extensions?.replacedByReminder, true);
      assert.match(refused.errors![0]!.message, /newest e-mail/);
      const posted = await fetch(`${t.url}/verify`, { method: "POST", body: new URLSearchParams({ token: firstToken, lang: "en" }) });
      assert.equal(posted.status, 400);
      assert.match(await posted.text(), /data-outcome="LINK_REPLACED"/);

      await advance(t, tenant, "2026-03-29T21:00:00Z"); // further, up to just before the expiry
      assert.equal(mailsTo(smtp, email).length, 2, "at most one reminder per invitation");

      const verified = await t.gql(VERIFY, { token: newToken });
      assert.equal(verified.data?.verifyInvitation.connectAccount.email, email, JSON.stringify(verified.errors));
      assert.equal((await linkInfo(firstToken)).replacedByReminder, false, "once the new link is used, the old one is just INVALID");
      assert.equal((await linkInfo(newToken)).state, "USED");
    });

    test("across the change to summer time: N = 1 → Sunday 29 March 09:00 local is 07:00Z", async () => {
      const { tenant, email, hire } = await sentAtT0(1);
      await advance(t, tenant, "2026-03-29T06:59:59Z");
      assert.equal(mailsTo(smtp, email).length, 1, "not at 08:00Z, which is 10:00 local on that day… nor before");
      await advance(t, tenant, "2026-03-29T12:00:00Z");
      assert.equal(mailsTo(smtp, email).length, 2);
      const seen = await employment(tenant, hire.employment.id);
      assert.equal(seen.invitation.remindedAt, "2026-03-29T07:00:00.000Z");
      assert.equal((await linkInfo(tokenMailedTo(smtp, email))).state, "VALID");
    });

    test("no setting (null, the default) → no reminder; the link expires as before", async () => {
      const { tenant, email, hire } = await sentAtT0(null);
      await advance(t, tenant, "2026-04-02T00:00:00Z");
      assert.equal(mailsTo(smtp, email).length, 1);
      const seen = await employment(tenant, hire.employment.id);
      assert.equal(seen.invitation.status, "EXPIRED");
      assert.equal(seen.invitation.remindedAt, null);
    });

    test("a verified invitation gets no reminder", async () => {
      const { tenant, email, hire, firstToken } = await sentAtT0(4);
      assert.ok((await t.gql(VERIFY, { token: firstToken })).data?.verifyInvitation);
      await advance(t, tenant, "2026-04-02T00:00:00Z");
      assert.equal(mailsTo(smtp, email).length, 1);
      assert.equal((await employment(tenant, hire.employment.id)).invitation.remindedAt, null);
    });

    test("a cancelled employment gets no reminder", async () => {
      const { tenant, email, hire } = await sentAtT0(4);
      const cancelled = await t.gql(`mutation($id: ID!) { cancelEmployment(employmentId: $id) { id status } }`, { id: hire.employment.id }, tenant.key);
      assert.equal(cancelled.data?.cancelEmployment.status, "CANCELLED", JSON.stringify(cancelled.errors));
      await advance(t, tenant, "2026-04-02T00:00:00Z");
      assert.equal(mailsTo(smtp, email).length, 1);
    });

    test("an expired link gets no reminder, even when reminders are turned on afterwards", async () => {
      const { tenant, email, hire } = await sentAtT0(null);
      await advance(t, tenant, "2026-03-30T12:00:00Z");
      assert.equal((await employment(tenant, hire.employment.id)).invitation.status, "EXPIRED");
      await remind(tenant, 4);
      await advance(t, tenant, "2026-04-05T00:00:00Z");
      assert.equal(mailsTo(smtp, email).length, 1);
    });

    test("a resend starts a new invitation: it gets its own reminder, from its own expiry", async () => {
      const { tenant, email, hire } = await sentAtT0(4);
      await advance(t, tenant, "2026-03-26T12:00:00Z"); // reminded Thursday 09:00
      assert.equal(mailsTo(smtp, email).length, 2);
      const resent = await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { id expiresAt remindedAt } }`, { id: hire.employment.id }, tenant.key);
      assert.equal(resent.data?.resendInvitation.expiresAt, "2026-03-30T22:00:00.000Z", JSON.stringify(resent.errors)); // sent Thursday → expires Tuesday 00:00
      assert.equal(resent.data.resendInvitation.remindedAt, null);
      await advance(t, tenant, "2026-03-27T12:00:00Z"); // its reminder: Friday 09:00
      assert.equal(mailsTo(smtp, email).length, 4);
      assert.equal((await employment(tenant, hire.employment.id)).invitation.remindedAt, "2026-03-27T08:00:00.000Z");
    });

    describe("the setting changes", () => {
      test("N lowered from 4 to 1 before the reminder → it follows the new setting", async () => {
        const { tenant, email, hire } = await sentAtT0(4);
        await remind(tenant, 1);
        await advance(t, tenant, "2026-03-29T06:00:00Z");
        assert.equal(mailsTo(smtp, email).length, 1, "not at Thursday's 09:00 any more");
        await advance(t, tenant, "2026-03-29T08:00:00Z");
        assert.equal(mailsTo(smtp, email).length, 2);
        assert.equal((await employment(tenant, hire.employment.id)).invitation.remindedAt, "2026-03-29T07:00:00.000Z");
      });

      test("turned off (null) before the reminder → none", async () => {
        const { tenant, email } = await sentAtT0(2);
        await advance(t, tenant, "2026-03-27T12:00:00Z");
        await remind(tenant, null);
        await advance(t, tenant, "2026-04-01T00:00:00Z");
        assert.equal(mailsTo(smtp, email).length, 1);
      });

      test("turned on after its 09:00 has passed → the reminder goes out at once, while the link is valid", async () => {
        const { tenant, email, hire } = await sentAtT0(null);
        await advance(t, tenant, "2026-03-27T12:00:00Z"); // Friday 13:00 local
        await remind(tenant, 4); // its time was Thursday 09:00
        await advance(t, tenant, "2026-03-27T12:00:01Z");
        assert.equal(mailsTo(smtp, email).length, 2);
        assert.equal((await employment(tenant, hire.employment.id)).invitation.remindedAt, "2026-03-27T12:00:00.000Z");
      });
    });

    describe("the SMTP server refuses a reminder", () => {
      after(() => smtp.stopRefusing());

      test("451 → tried again 30 minutes later, once accepted the new link works", async () => {
        const { tenant, email, hire, firstToken } = await sentAtT0(2);
        smtp.refuseRecipients(exactly(email), "4.2.1 Try later", 451);
        await advance(t, tenant, "2026-03-28T08:10:00Z");
        const waiting = await employment(tenant, hire.employment.id);
        assert.equal(waiting.invitation.remindedAt, null);
        assert.equal(waiting.invitation.status, "SENT");
        assert.match(waiting.invitation.lastError, /reminder not delivered/);
        assert.equal((await linkInfo(firstToken)).state, "VALID", "the first link still works");
        smtp.stopRefusing();
        await advance(t, tenant, "2026-03-28T09:00:00Z");
        const seen = await employment(tenant, hire.employment.id);
        assert.equal(seen.invitation.remindedAt, "2026-03-28T08:30:00.000Z");
        assert.equal(seen.invitation.lastError, null, "delivered");
        assert.equal(mailsTo(smtp, email).length, 2);
        assert.equal((await linkInfo(tokenMailedTo(smtp, email))).state, "VALID");
        assert.equal((await linkInfo(firstToken)).replacedByReminder, true);
      });

      test("550 → not tried again; the invitation stays SENT and the first link works (the first mail went through)", async () => {
        const { tenant, email, hire, firstToken } = await sentAtT0(2);
        smtp.refuseRecipients(exactly(email), "5.1.1 User unknown", 550);
        await advance(t, tenant, "2026-03-29T21:00:00Z");
        const tried = smtp.recipientsTried.filter((to) => to.toLowerCase() === email.toLowerCase()).length;
        assert.equal(tried, 2, "the invitation, and the reminder once");
        const seen = await employment(tenant, hire.employment.id);
        assert.equal(seen.invitation.status, "SENT");
        assert.equal(seen.invitation.remindedAt, null);
        assert.equal(seen.connectStatus, "INVITATION_SENT");
        assert.match(seen.invitation.lastError, /reminder refused for good/);
        assert.ok(!seen.invitation.lastError.includes(email), "address masked");
        assert.equal((await linkInfo(firstToken)).state, "VALID");
      });
    });

    describe("a live tenant (jobs, the sweep, several workers)", () => {
      test("the reminder job planned by setTenantSettings mails it at its time; a doubled run and the sweep add nothing", async () => {
        clock.setNow(new Date(T0));
        const tenant = await hrTenant(t);
        const email = address("live");
        const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
        await smtp.waitFor(smtp.received.length + (mailsTo(smtp, email).length ? 0 : 1));
        // the reminder (N = 4) is due Thursday 26 March 09:00 local: two seconds from now on the service's clock
        clock.setNow(new Date(new Date("2026-03-26T08:00:00Z").getTime() - 2000));
        await remind(tenant, 4);
        const until = Date.now() + 30_000;
        while (mailsTo(smtp, email).length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
        assert.equal(mailsTo(smtp, email).length, 2, "the job mailed the reminder");
        let seen = await employment(tenant, hire.employment.id);
        for (let i = 0; i < 50 && !seen.invitation.remindedAt; i++) {
          await new Promise((r) => setTimeout(r, 50)); // recorded a moment after the SMTP server took it
          seen = await employment(tenant, hire.employment.id);
        }
        assert.ok(seen.invitation.remindedAt >= "2026-03-26T08:00:00.000Z", seen.invitation.remindedAt);
        await Promise.all([t.app.services.reminders.remindDueOf(tenant.id), t.app.services.reminders.remindDueOf(tenant.id), t.app.services.dispatch.sweep()]);
        assert.equal(mailsTo(smtp, email).length, 2, "once");
        assert.equal((await linkInfo(tokenMailedTo(smtp, email))).state, "VALID");
      });

      test("the hire confirms the first link just as its reminder goes out (many rounds): one or the other, never both", async () => {
        const tenant = await hrTenant(t);
        await remind(tenant, 4);
        const outcomes = { verified: 0, reminded: 0 };
        for (let round = 0; round < 15; round++) {
          clock.setNow(new Date(T0));
          const email = address(`race${round}`);
          const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
          await smtp.waitFor(smtp.received.length + (mailsTo(smtp, email).length ? 0 : 1));
          const firstToken = tokenMailedTo(smtp, email);
          for (let i = 0; i < 50 && (await employment(tenant, hire.employment.id)).invitation.status !== "SENT"; i++) await new Promise((r) => setTimeout(r, 20));
          clock.setNow(new Date("2026-03-26T08:30:00Z")); // the reminder is due
          const [verified] = await Promise.all([t.gql(VERIFY, { token: firstToken }), t.app.services.reminders.remindDueOf(tenant.id)]);
          const seen = await employment(tenant, hire.employment.id);
          if (verified.data?.verifyInvitation) {
            outcomes.verified++;
            assert.equal(seen.invitation.status, "VERIFIED");
            assert.equal(seen.invitation.remindedAt, null, "a link used first is not replaced afterwards");
            assert.ok(!seen.history.some((e: { kind: string }) => e.kind === "REMINDED"));
          } else {
            outcomes.reminded++;
            assert.equal(verified.errors?.[0]?.extensions?.code, "LINK_INVALID", JSON.stringify(verified.errors));
            assert.equal(seen.invitation.status, "SENT");
            assert.ok(seen.invitation.remindedAt, "refused only because the reminder replaced the link");
            assert.equal((await linkInfo(tokenMailedTo(smtp, email))).state, "VALID", "the reminder's link works");
          }
        }
        assert.equal(outcomes.verified + outcomes.reminded, 15, JSON.stringify(outcomes));
      });

      test("many links, many workers at once (doubled jobs, sweeps): each reminded exactly once", async () => {
        clock.setNow(new Date(T0));
        const tenant = await hrTenant(t);
        await remind(tenant, 4);
        const emails = Array.from({ length: 60 }, (_, i) => address(`many${i}`));
        const rows = emails.map((email, i) => ({ firstName: "Anna", lastName: `Berg ${i}`, email, startDate: "2026-03-26", employmentTemplateId: tenant.templateId }));
        const imported = await t.gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`, { rows }, tenant.key);
        assert.equal(imported.data?.importHires.created, 60, JSON.stringify(imported.errors));
        await t.app.services.dispatch.deliverDue(tenant.id);
        const sentUntil = Date.now() + 30_000;
        while (emails.some((e) => mailsTo(smtp, e).length < 1) && Date.now() < sentUntil) await new Promise((r) => setTimeout(r, 100));
        clock.setNow(new Date("2026-03-26T09:00:00Z")); // an hour past the reminders' 09:00: jobs, the sweep and these all race
        const { dispatch, reminders } = t.app.services;
        await Promise.all([reminders.remindDueOf(tenant.id), reminders.remindDueOf(tenant.id), dispatch.sweep(), reminders.remindDueOf(tenant.id), dispatch.sweep()]);
        const doneUntil = Date.now() + 30_000;
        while (emails.some((e) => mailsTo(smtp, e).length < 2) && Date.now() < doneUntil) await new Promise((r) => setTimeout(r, 100));
        await dispatch.sweep();
        for (const email of emails) {
          assert.equal(mailsTo(smtp, email).length, 2, `${email}: the invitation and one reminder`);
          assert.equal((await linkInfo(tokenMailedTo(smtp, email))).state, "VALID", `${email}: the reminder's link works`);
        }
        const metrics = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
        const gauge = /^onboarding_invitations_reminded (\d+)$/m.exec(metrics);
        assert.ok(gauge && Number(gauge[1]) >= 60, "operators see the reminders");
      });
    });
  });
}
