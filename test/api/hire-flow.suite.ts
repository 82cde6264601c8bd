import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Invitation } from "../../src/entities/index.js";
import { Clock } from "../../src/services/clock.js";
import { EXPIRE_DUE_INVITATIONS, SEND_INVITATION } from "../../src/jobs/invitation.jobs.js";
import { errorCode, startOn, type Environment, type TestApp } from "../support/app.js";
import { createTenant } from "../support/fixtures.js";
import {
  ACCOUNT_STATUS,
  EMPLOYMENT,
  address,
  advance,
  hrTenant,
  mailsTo,
  register,
  sandboxTenant,
  statusAfterSend,
  tokenMailedTo,
  type HrTenant,
} from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

/** Now in the SPEC's worked examples: Wednesday 2026-03-25 14:00 Europe/Stockholm. */
const T0 = "2026-03-25T13:00:00Z";
const LINK_INFO = `query($token: String!) { linkInfo(token: $token) { state maskedEmail expiresAt } }`;
const HISTORY_TAIL = `query($id: ID!) { employment(id: $id) { history { kind at actor } } }`;
const VERIFY = `mutation($token: String!) { verifyInvitation(token: $token) { connectAccount { id email method createdAt } } }`;

/**
 * The hire flow (R1–R3, R5–R8) end to end: through the HTTP endpoint, on a real database and job
 * store, with a real SMTP server receiving the mail. `environment` names the stores.
 */
export function hireFlowSuite(label: string, environment: Environment): void {
  describe(`the hire flow on ${label}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let stop: () => Promise<void>;
    const clock = new Clock();

    before(async () => {
      smtp = await startTestSmtp();
      ({ t, stop } = await startOn(environment, smtp, { clock, env: { MAIL_FROM: "HR <hr@example.com>" }, jobTuning: { lockLifetimeMs: 4000 } }));
    });
    after(async () => {
      await stop?.();
      await smtp?.close();
    });

    describe("the SPEC's worked examples (sandbox clock at 2026-03-25 14:00 Stockholm)", () => {
      let tenant: HrTenant;
      const hires: Record<string, { email: string; employment: any }> = {};
      before(async () => {
        tenant = await sandboxTenant(t, T0);
        for (const [name, startDate] of Object.entries({ past: "2026-03-20", today: "2026-03-25", tomorrow: "2026-03-26", dayAfter: "2026-03-27", acrossDst: "2026-03-30" })) {
          const email = address(name);
          hires[name] = { email, employment: (await register(t, tenant, { email, startDate })).employment };
        }
      });

      for (const name of ["past", "today", "tomorrow"]) {
        test(`start ${name === "past" ? "in the past" : name} → sent now, expires 2026-03-30 00:00+02:00`, () => {
          const { employment, email } = hires[name]!;
          assert.equal(employment.connectStatus, "INVITATION_SENT");
          assert.equal(employment.invitation.status, "SENT");
          assert.equal(employment.invitation.sentAt, "2026-03-25T13:00:00.000Z");
          assert.equal(employment.invitation.expiresAt, "2026-03-29T22:00:00.000Z");
          assert.equal(mailsTo(smtp, email).length, 1, "one mail, now");
        });
      }

      test("the day after tomorrow → 09:00 local on the day before (08:00Z), nothing sent yet", () => {
        const { employment, email } = hires.dayAfter!;
        assert.equal(employment.connectStatus, "INVITATION_SCHEDULED");
        assert.equal(employment.invitation.status, "SCHEDULED");
        assert.equal(employment.invitation.sendAt, "2026-03-26T08:00:00.000Z");
        assert.equal(employment.invitation.sentAt, null);
        assert.equal(mailsTo(smtp, email).length, 0);
      });

      test("across the DST change → 2026-03-29 09:00+02:00 (07:00Z)", () => {
        assert.equal(hires.acrossDst!.employment.invitation.sendAt, "2026-03-29T07:00:00.000Z");
      });

      test("invitationPlan answers what registering now would do", async () => {
        const plan = `query($d: LocalDate!, $e: EmailAddress) { invitationPlan(startDate: $d, email: $e) { action sendAt expiresAt } }`;
        const later = await t.gql(plan, { d: "2026-03-27", e: "x@example.org" }, tenant.key);
        assert.deepEqual(later.data.invitationPlan, { action: "SEND_LATER", sendAt: "2026-03-26T08:00:00.000Z", expiresAt: "2026-03-30T22:00:00.000Z" });
        const now = await t.gql(plan, { d: "2026-03-26", e: "x@example.org" }, tenant.key);
        assert.deepEqual(now.data.invitationPlan, { action: "SEND_NOW", sendAt: "2026-03-25T13:00:00.000Z", expiresAt: "2026-03-29T22:00:00.000Z" });
        const none = await t.gql(plan, { d: "2026-03-26" }, tenant.key);
        assert.equal(none.data.invitationPlan.action, "NONE");
      });

      test("advancing the test clock sends at 09:00 the day before, and expires links at the exact boundary", async () => {
        await advance(t, tenant, "2026-03-26T07:59:59.999Z");
        assert.equal(mailsTo(smtp, hires.dayAfter!.email).length, 0, "not a millisecond early");
        await advance(t, tenant, "2026-03-26T08:00:00Z");
        assert.equal(mailsTo(smtp, hires.dayAfter!.email).length, 1, "sent at 09:00 local");
        const sent = await t.gql(EMPLOYMENT, { id: hires.dayAfter!.employment.id }, tenant.key);
        assert.equal(sent.data.employment.invitation.sentAt, "2026-03-26T08:00:00.000Z");
        assert.equal(sent.data.employment.invitation.expiresAt, "2026-03-30T22:00:00.000Z");

        const token = tokenMailedTo(smtp, hires.today!.email);
        await advance(t, tenant, "2026-03-29T21:59:59.999Z");
        assert.equal((await t.gql(LINK_INFO, { token })).data.linkInfo.state, "VALID", "valid until the last millisecond");
        await advance(t, tenant, "2026-03-29T22:00:00Z");
        assert.equal((await t.gql(LINK_INFO, { token })).data.linkInfo.state, "EXPIRED");
        const expired = await t.gql(EMPLOYMENT, { id: hires.today!.employment.id }, tenant.key);
        assert.equal(expired.data.employment.invitation.status, "EXPIRED");
        assert.equal(expired.data.employment.connectStatus, "INVITATION_EXPIRED");
        assert.equal(errorCode(await t.gql(VERIFY, { token })), "LINK_EXPIRED");
        assert.equal(mailsTo(smtp, hires.acrossDst!.email).length, 1, "the DST hire went out on the way, on 2026-03-29 07:00Z");
      });
    });

    test("saved 23:30 local → sent 09:00 next morning; saved 00:10 local → it is already tomorrow: sent now", async () => {
      const tenant = await sandboxTenant(t, "2026-03-25T22:30:00Z");
      const late = await register(t, tenant, { email: address("late"), startDate: "2026-03-27" });
      assert.equal(late.employment.invitation.sendAt, "2026-03-26T08:00:00.000Z");
      await advance(t, tenant, "2026-03-25T23:10:00Z");
      const afterMidnight = await register(t, tenant, { email: address("midnight"), startDate: "2026-03-27" });
      assert.equal(afterMidnight.employment.invitation.status, "SENT");
      assert.equal(afterMidnight.employment.invitation.sentAt, "2026-03-25T23:10:00.000Z");
    });

    test("America/New_York, saved 20:00 there (00:00Z next day) → sent 09:00-04:00 (13:00Z)", async () => {
      const tenant = await sandboxTenant(t, "2026-03-26T00:00:00Z", "America/New_York");
      const hire = await register(t, tenant, { email: address("ny"), startDate: "2026-03-27" });
      assert.equal(hire.employment.invitation.sendAt, "2026-03-26T13:00:00.000Z");
    });

    test("verified domain: Anna@ACME.se is connected at registration, no e-mail, whatever the start date", async () => {
      const tenant = await sandboxTenant(t, T0);
      const added = await t.gql(`mutation { addVerifiedDomain(domain: " ACME.se ") { verifiedDomains } }`, {}, tenant.key);
      assert.deepEqual(added.data.addVerifiedDomain.verifiedDomains, ["acme.se"]);
      const email = `Anna.${Date.now()}@ACME.se`;
      const hire = await register(t, tenant, { email, startDate: "2026-09-01" });
      assert.equal(hire.employment.connectStatus, "CONNECTED");
      assert.equal(hire.employment.invitation, null);
      assert.equal(hire.employee.user.connectAccount.method, "VERIFIED_DOMAIN");
      assert.equal(hire.employee.user.connectAccount.email, email);
      assert.equal(hire.employee.user.connectAccount.createdAt, "2026-03-25T13:00:00.000Z");
      assert.equal(mailsTo(smtp, email).length, 0);
      const sub = await register(t, tenant, { email: address("sub", "mail.acme.se"), startDate: "2026-03-26" });
      assert.equal(sub.employment.connectStatus, "INVITATION_SENT", "a subdomain is not the verified domain");
      const bad = await t.gql(`mutation { addVerifiedDomain(domain: "not a domain") { id } }`, {}, tenant.key);
      assert.equal(errorCode(bad), "BAD_USER_INPUT");
    });

    test("the link: opening it does not use it; confirming connects once; a second use is LINK_USED", async () => {
      const tenant = await sandboxTenant(t, T0);
      const email = address("verify");
      const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
      const token = tokenMailedTo(smtp, email);
      const link = smtp.linksTo(email)[0]!;
      assert.ok(link.startsWith("https://onboarding.example.com/verify?token="));

      const info = await t.gql(LINK_INFO, { token });
      assert.deepEqual(info.data.linkInfo, { state: "VALID", maskedEmail: `${email[0]}***@example.org`, expiresAt: "2026-03-29T22:00:00.000Z" });
      const page = await fetch(`${t.url}/verify?token=${token}&lang=en`);
      const html = await page.text();
      assert.equal(page.status, 200);
      assert.match(html, /data-state="VALID"/);
      assert.ok(html.includes(`${email[0]}***@example.org`) && !html.includes(email), "the page shows the masked address only");
      assert.equal((await t.gql(LINK_INFO, { token })).data.linkInfo.state, "VALID", "opening the page did not use the link");

      const verified = await t.gql(VERIFY, { token });
      assert.equal(verified.data.verifyInvitation.connectAccount.method, "EMAIL_VERIFICATION");
      assert.equal(verified.data.verifyInvitation.connectAccount.email, email);
      const status = await t.gql(ACCOUNT_STATUS, { id: hire.employee.id }, tenant.key);
      assert.equal(status.data.accountStatus.connectStatus, "CONNECTED");
      assert.equal(status.data.accountStatus.invitation.status, "VERIFIED");
      assert.equal(status.data.accountStatus.invitation.verifiedAt, "2026-03-25T13:00:00.000Z");

      assert.equal(errorCode(await t.gql(VERIFY, { token })), "LINK_USED");
      assert.equal((await t.gql(LINK_INFO, { token })).data.linkInfo.state, "USED");
      const again = await fetch(`${t.url}/verify`, { method: "POST", body: new URLSearchParams({ token, lang: "en" }) });
      assert.equal(again.status, 400);
      assert.match(await again.text(), /data-outcome="LINK_USED"/);
      assert.equal(errorCode(await t.gql(VERIFY, { token: "not-a-token" })), "LINK_INVALID");
      assert.deepEqual((await t.gql(LINK_INFO, { token: "not-a-token" })).data.linkInfo, { state: "INVALID", maskedEmail: null, expiresAt: null });
    });

    test("the verification page's form connects the account", async () => {
      const tenant = await sandboxTenant(t, T0);
      const email = address("form");
      await register(t, tenant, { email, startDate: "2026-03-25" });
      const response = await fetch(`${t.url}/verify`, { method: "POST", body: new URLSearchParams({ token: tokenMailedTo(smtp, email), lang: "sv" }) });
      assert.equal(response.status, 200);
      assert.match(await response.text(), /data-outcome="CONNECTED"/);
    });

    describe("changes before the first day (R2, R8)", () => {
      test("a new start date before sending re-plans from the moment of the change", async () => {
        const tenant = await sandboxTenant(t, T0);
        const email = address("move");
        const hire = await register(t, tenant, { email, startDate: "2026-03-27" });
        const change = `mutation($id: ID!, $d: LocalDate!) { changeStartDate(employmentId: $id, startDate: $d) { startDate connectStatus invitation { id status sendAt } } }`;
        const later = await t.gql(change, { id: hire.employment.id, d: "2026-04-10" }, tenant.key);
        assert.equal(later.data.changeStartDate.invitation.sendAt, "2026-04-09T07:00:00.000Z");
        assert.equal(later.data.changeStartDate.invitation.id, hire.employment.invitation.id, "the same invitation, re-planned");
        const sooner = await t.gql(change, { id: hire.employment.id, d: "2026-03-26" }, tenant.key);
        assert.equal(sooner.data.changeStartDate.connectStatus, "INVITATION_SENT", "tomorrow now: sent at once");
        await advance(t, tenant, "2026-04-10T12:00:00Z");
        assert.equal(mailsTo(smtp, email).length, 1, "nothing is sent twice for the same hire");
      });

      test("a new address before sending keeps the plan and goes to the new address", async () => {
        const tenant = await sandboxTenant(t, T0);
        const [first, second] = [address("first"), address("second")];
        const hire = await register(t, tenant, { email: first, startDate: "2026-03-27" });
        const changed = await t.gql(`mutation($id: ID!, $e: EmailAddress!) { changeEmail(employeeId: $id, email: $e) { email user { email } } }`, { id: hire.employee.id, e: second }, tenant.key);
        assert.equal(changed.data.changeEmail.user.email, second);
        await advance(t, tenant, "2026-03-26T08:00:00Z");
        assert.equal(mailsTo(smtp, first).length, 0);
        assert.equal(mailsTo(smtp, second).length, 1);
      });

      test("a new address after sending: the sent link dies and the new address gets a link at once", async () => {
        const tenant = await sandboxTenant(t, T0);
        const [first, second] = [address("old"), address("new")];
        const hire = await register(t, tenant, { email: first, startDate: "2026-03-26" });
        const oldToken = tokenMailedTo(smtp, first);
        await t.gql(`mutation($id: ID!, $e: EmailAddress!) { changeEmail(employeeId: $id, email: $e) { id } }`, { id: hire.employee.id, e: second }, tenant.key);
        assert.equal((await t.gql(LINK_INFO, { token: oldToken })).data.linkInfo.state, "INVALID");
        assert.equal(errorCode(await t.gql(VERIFY, { token: oldToken })), "LINK_INVALID");
        assert.equal(mailsTo(smtp, second).length, 1);
        assert.equal((await t.gql(LINK_INFO, { token: tokenMailedTo(smtp, second) })).data.linkInfo.state, "VALID");
      });

      test("no address at registration: NO_EMAIL; adding one later runs the rules from that moment", async () => {
        const tenant = await sandboxTenant(t, T0);
        const hire = await register(t, tenant, { startDate: "2026-03-26" });
        assert.equal(hire.employment.connectStatus, "NO_EMAIL");
        assert.equal(hire.employee.user.connectStatus, "NO_EMAIL");
        assert.equal(hire.employment.invitation, null);
        await advance(t, tenant, "2026-03-25T20:00:00Z");
        const email = address("later");
        await t.gql(`mutation($id: ID!, $e: EmailAddress!) { changeEmail(employeeId: $id, email: $e) { id } }`, { id: hire.employee.id, e: email }, tenant.key);
        const status = await t.gql(ACCOUNT_STATUS, { id: hire.employee.id }, tenant.key);
        assert.equal(status.data.accountStatus.connectStatus, "INVITATION_SENT");
        assert.equal(status.data.accountStatus.invitation.sentAt, "2026-03-25T20:00:00.000Z");
        assert.equal(mailsTo(smtp, email).length, 1);
      });

      test("cancelling before sending: nothing is ever sent; after sending: the link dies", async () => {
        const tenant = await sandboxTenant(t, T0);
        const [pending, sent] = [address("pending"), address("sent")];
        const a = await register(t, tenant, { email: pending, startDate: "2026-03-27" });
        const b = await register(t, tenant, { email: sent, startDate: "2026-03-26" });
        const cancel = `mutation($id: ID!) { cancelEmployment(employmentId: $id) { status connectStatus invitation { status } } }`;
        const cancelled = await t.gql(cancel, { id: a.employment.id }, tenant.key);
        assert.deepEqual(cancelled.data.cancelEmployment, { status: "CANCELLED", connectStatus: "CANCELLED", invitation: { status: "CANCELLED" } });
        assert.deepEqual((await t.gql(cancel, { id: a.employment.id }, tenant.key)).data.cancelEmployment.status, "CANCELLED", "repeating it is harmless");
        await t.gql(cancel, { id: b.employment.id }, tenant.key);
        assert.equal(errorCode(await t.gql(VERIFY, { token: tokenMailedTo(smtp, sent) })), "LINK_INVALID");
        await advance(t, tenant, "2026-03-27T12:00:00Z");
        assert.equal(mailsTo(smtp, pending).length, 0);
        const resend = await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { id } }`, { id: a.employment.id }, tenant.key);
        assert.equal(errorCode(resend), "CONFLICT");
      });

      test("resend after expiry: earlier links die and a new five-day window starts", async () => {
        const tenant = await sandboxTenant(t, T0);
        const email = address("resend");
        const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
        const first = tokenMailedTo(smtp, email);
        await advance(t, tenant, "2026-04-01T10:00:00Z");
        const resent = await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { status sentAt expiresAt } }`, { id: hire.employment.id }, tenant.key);
        assert.deepEqual(resent.data.resendInvitation, { status: "SENT", sentAt: "2026-04-01T10:00:00.000Z", expiresAt: "2026-04-05T22:00:00.000Z" });
        assert.equal(mailsTo(smtp, email).length, 2);
        assert.equal((await t.gql(LINK_INFO, { token: first })).data.linkInfo.state, "INVALID");
        assert.equal((await t.gql(VERIFY, { token: tokenMailedTo(smtp, email) })).data.verifyInvitation.connectAccount.method, "EMAIL_VERIFICATION");
        const connected = await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { id } }`, { id: hire.employment.id }, tenant.key);
        assert.equal(errorCode(connected), "CONFLICT", "a connected hire needs no invitation");
      });
    });

    describe("review flow (R4)", () => {
      const APPROVE = `mutation($id: ID!, $step: Int) { approveReviewStep(employmentId: $id, step: $step) { reviewStatus approvedSteps reviewSteps connectStatus
        invitation { status sendAt sentAt } reviewDecisions { position stepName decision decidedBy decidedAt reason } } }`;
      const REJECT = `mutation($id: ID!, $reason: String) { rejectEmployment(employmentId: $id, reason: $reason) { reviewStatus connectStatus invitation { id }
        reviewDecisions { position decision decidedBy reason } } }`;

      /** A licensed sandbox tenant with a two-step flow, at 2026-03-25 14:00 Stockholm. */
      async function reviewTenant(): Promise<HrTenant> {
        const tenant = await hrTenant(t, { name: "Review AB", sandbox: true, clockStart: T0, hasEmployeeLicense: true });
        const flow = await t.gql(`mutation { setReviewFlow(steps: [{ name: "Manager" }, { name: "HR" }]) { reviewFlow { steps { position name } } } }`, {}, tenant.key);
        assert.deepEqual(flow.data.setReviewFlow.reviewFlow.steps, [{ position: 1, name: "Manager" }, { position: 2, name: "HR" }]);
        return tenant;
      }
      const approveTwice = async (tenant: HrTenant, id: string) => {
        await t.gql(APPROVE, { id }, tenant.key);
        return (await t.gql(APPROVE, { id }, tenant.key)).data.approveReviewStep;
      };

      test("without the HRM Employee license a flow is refused (LICENSE_REQUIRED); [] turns it off", async () => {
        const tenant = await sandboxTenant(t, T0);
        const refused = await t.gql(`mutation { setReviewFlow(steps: [{ name: "Manager" }]) { id } }`, {}, tenant.key);
        assert.equal(errorCode(refused), "LICENSE_REQUIRED");
        const off = await t.gql(`mutation { setReviewFlow(steps: []) { reviewFlow { steps { name } } } }`, {}, tenant.key);
        assert.equal(off.data.setReviewFlow.reviewFlow, null);
      });

      test("under review: the user exists, nothing is sent, AWAITING_REVIEW until the final approval", async () => {
        const tenant = await reviewTenant();
        const email = address("review");
        const hire = await register(t, tenant, { email, startDate: "2026-04-10" });
        assert.equal(hire.employment.reviewStatus, "PENDING");
        assert.equal(hire.employment.connectStatus, "AWAITING_REVIEW");
        assert.ok(hire.employee.user, "the user is created at registration");
        assert.equal(hire.employment.invitation, null);
        await advance(t, tenant, "2026-03-27T10:00:00Z");
        const first = (await t.gql(APPROVE, { id: hire.employment.id }, tenant.key)).data.approveReviewStep;
        assert.deepEqual([first.reviewStatus, first.approvedSteps, first.connectStatus], ["PENDING", 1, "AWAITING_REVIEW"]);
        const final = (await t.gql(APPROVE, { id: hire.employment.id }, tenant.key)).data.approveReviewStep;
        assert.equal(final.reviewStatus, "APPROVED");
        assert.equal(final.invitation.sendAt, "2026-04-09T07:00:00.000Z", "final approval 2026-03-27, start 04-10 → 04-09 09:00+02:00");
        assert.deepEqual(final.reviewDecisions.map((d: any) => [d.position, d.stepName, d.decision, d.decidedBy, d.decidedAt]), [
          [1, "Manager", "APPROVED", "Initial HR admin key", "2026-03-27T10:00:00.000Z"],
          [2, "HR", "APPROVED", "Initial HR admin key", "2026-03-27T10:00:00.000Z"],
        ]);
        assert.equal(mailsTo(smtp, email).length, 0);
        const again = await t.gql(APPROVE, { id: hire.employment.id }, tenant.key);
        assert.equal(errorCode(again), "CONFLICT", "approving past the last step");
        await advance(t, tenant, "2026-04-09T07:00:00Z");
        assert.equal(mailsTo(smtp, email).length, 1);
      });

      test("final approval at 10:00 on the day before the start, or after the start → sent at that approval", async () => {
        const tenant = await reviewTenant();
        const [dayBefore, late] = [address("daybefore"), address("late")];
        const a = await register(t, tenant, { email: dayBefore, startDate: "2026-04-10" });
        const b = await register(t, tenant, { email: late, startDate: "2026-04-10" });
        await advance(t, tenant, "2026-04-09T08:00:00Z");
        const sentA = await approveTwice(tenant, a.employment.id);
        assert.equal(sentA.invitation.status, "SENT");
        assert.equal(sentA.invitation.sentAt, "2026-04-09T08:00:00.000Z");
        await advance(t, tenant, "2026-04-12T09:00:00Z");
        const sentB = await approveTwice(tenant, b.employment.id);
        assert.equal(sentB.invitation.sentAt, "2026-04-12T09:00:00.000Z");
        assert.equal(mailsTo(smtp, dayBefore).length, 1);
        assert.equal(mailsTo(smtp, late).length, 1);
      });

      test("a verified-domain address under review is connected at the final approval, not before", async () => {
        const tenant = await reviewTenant();
        await t.gql(`mutation { addVerifiedDomain(domain: "review.example") { id } }`, {}, tenant.key);
        const hire = await register(t, tenant, { email: "Maja@Review.example", startDate: "2026-03-26" });
        assert.equal(hire.employment.connectStatus, "AWAITING_REVIEW");
        assert.equal(hire.employee.user.connectAccount, null);
        const final = await approveTwice(tenant, hire.employment.id);
        assert.equal(final.connectStatus, "CONNECTED");
        assert.equal(mailsTo(smtp, "Maja@Review.example").length, 0);
      });

      test("a rejected hire is CANCELLED and never gets an invitation; who rejected and why is kept", async () => {
        const tenant = await reviewTenant();
        const reviewer = (await t.gql(`mutation { createApiKey(input: { name: "Line manager", roles: [REVIEWER] }) { apiKey } }`, {}, tenant.key)).data.createApiKey.apiKey;
        const email = address("rejected");
        const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
        await t.gql(APPROVE, { id: hire.employment.id }, reviewer);
        const rejected = (await t.gql(REJECT, { id: hire.employment.id, reason: "Position withdrawn" }, reviewer)).data.rejectEmployment;
        assert.deepEqual([rejected.reviewStatus, rejected.connectStatus, rejected.invitation], ["REJECTED", "CANCELLED", null]);
        assert.deepEqual(rejected.reviewDecisions[1], { position: 2, decision: "REJECTED", decidedBy: "Line manager", reason: "Position withdrawn" });
        assert.equal(errorCode(await t.gql(APPROVE, { id: hire.employment.id }, tenant.key)), "CONFLICT");
        assert.equal(errorCode(await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { id } }`, { id: hire.employment.id }, tenant.key)), "CONFLICT");
        await advance(t, tenant, "2026-04-30T00:00:00Z");
        assert.equal(mailsTo(smtp, email).length, 0);
        const partner = (await t.gql(`mutation { createApiKey(input: { name: "Payroll", roles: [PARTNER] }) { apiKey } }`, {}, tenant.key)).data.createApiKey.apiKey;
        assert.equal(errorCode(await t.gql(APPROVE, { id: hire.employment.id }, partner)), "FORBIDDEN", "a partner does not review");
      });

      test("two reviewers approving the same step at the same moment approve it once; the other gets CONFLICT", async () => {
        const tenant = await reviewTenant();
        const hire = await register(t, tenant, { email: address("race"), startDate: "2026-04-10" });
        const answers = await Promise.all([1, 2, 3, 4].map(() => t.gql(APPROVE, { id: hire.employment.id, step: 1 }, tenant.key)));
        const approved = answers.filter((a) => a.data?.approveReviewStep);
        assert.equal(approved.length, 1, "one approval");
        assert.deepEqual(answers.filter((a) => !a.data?.approveReviewStep).map(errorCode), ["CONFLICT", "CONFLICT", "CONFLICT"]);
        const now = await t.gql(`query($id: ID!) { employment(id: $id) { approvedSteps reviewStatus reviewDecisions { position } } }`, { id: hire.employment.id }, tenant.key);
        assert.equal(now.data.employment.approvedSteps, 1);
        assert.equal(now.data.employment.reviewDecisions.length, 1);
        const next = await t.gql(APPROVE, { id: hire.employment.id, step: 2 }, tenant.key);
        assert.equal(next.data.approveReviewStep.reviewStatus, "APPROVED", "the next step is approved as usual");
      });

      test("withdrawing the license: hires in review stay in review; new hires need none", async () => {
        const tenant = await reviewTenant();
        const inReview = await register(t, tenant, { email: address("inreview"), startDate: "2026-04-10" });
        await t.gql(`mutation($id: ID!) { setEmployeeLicense(tenantId: $id, enabled: false) { id } }`, { id: tenant.id }, t.operatorKey);
        const after = await register(t, tenant, { email: address("nolicense"), startDate: "2026-03-26" });
        assert.equal(after.employment.reviewStatus, "NOT_REQUIRED");
        assert.equal(after.employment.connectStatus, "INVITATION_SENT");
        const final = await approveTwice(tenant, inReview.employment.id);
        assert.equal(final.reviewStatus, "APPROVED", "the hire already in review finishes its review");
      });
    });

    describe("history", () => {
      const HISTORY = `query($id: ID!) { employment(id: $id) { history { kind at actor detail } } }`;
      const ADMIN = "Initial HR admin key";
      const history = async (tenant: HrTenant, id: string): Promise<{ kind: string; at: string; actor: string; detail: string | null }[]> =>
        (await t.gql(HISTORY, { id }, tenant.key)).data.employment.history;
      const steps = (events: { kind: string; at: string; actor: string }[]) => events.map(({ kind, at, actor }) => [kind, at, actor]);
      const masked = (email: string) => `${email[0]}***@${email.split("@")[1]}`;
      const newKey = async (tenant: HrTenant, name: string, role: string) =>
        (await t.gql(`mutation($name: String!) { createApiKey(input: { name: $name, roles: [${role}] }) { apiKey } }`, { name }, tenant.key)).data.createApiKey.apiKey as string;
      /** No detail shows a whole address or a link token. */
      const assertSafe = (events: { detail: string | null }[], emails: string[]) => {
        const tokens = emails.flatMap((email) => smtp.linksTo(email).map((link) => new URL(link).searchParams.get("token")!));
        for (const { detail } of events) {
          for (const secret of [...emails, ...emails.map((e) => e.toLowerCase()), ...tokens]) {
            assert.ok(!detail?.includes(secret), `"${detail}" must not contain ${secret}`);
          }
        }
      };

      test("registered, re-planned by a start date change, sent on the test clock, verified: each step with who and when", async () => {
        const tenant = await sandboxTenant(t, T0);
        const payroll = await newKey(tenant, "Payroll", "PARTNER");
        const email = address("history");
        const hire = await register(t, { ...tenant, key: payroll }, { email, startDate: "2026-03-27" }); // a partner changes only its own hires (R12)
        await advance(t, tenant, "2026-03-25T15:00:00Z");
        const change = `mutation($id: ID!, $d: LocalDate!) { changeStartDate(employmentId: $id, startDate: $d) { id } }`;
        await t.gql(change, { id: hire.employment.id, d: "2026-04-10" }, payroll);
        await advance(t, tenant, "2026-04-09T09:00:00Z");
        await t.gql(VERIFY, { token: tokenMailedTo(smtp, email) });

        const events = await history(tenant, hire.employment.id);
        assert.deepEqual(steps(events), [
          ["REGISTERED", "2026-03-25T13:00:00.000Z", "Payroll"],
          ["PLANNED", "2026-03-25T13:00:00.000Z", "Payroll"],
          ["START_DATE_CHANGED", "2026-03-25T15:00:00.000Z", "Payroll"],
          ["PLANNED", "2026-03-25T15:00:00.000Z", "Payroll"],
          ["SENT", "2026-04-09T07:00:00.000Z", "system"],
          ["VERIFIED", "2026-04-09T09:00:00.000Z", "hire"],
          ["CONNECTED", "2026-04-09T09:00:00.000Z", "hire"],
        ]);
        assert.deepEqual(events.map((e) => e.detail), [
          `start 2026-03-27, ${masked(email)}`,
          `SEND_LATER: send at 2026-03-26T08:00:00.000Z to ${masked(email)}`,
          "2026-03-27 → 2026-04-10",
          `SEND_LATER: send at 2026-04-09T07:00:00.000Z to ${masked(email)}`,
          `attempt 1 to ${masked(email)}, link valid until 2026-04-13T22:00:00.000Z`,
          `the link sent to ${masked(email)}`,
          `EMAIL_VERIFICATION ${masked(email)}`,
        ]);
        assertSafe(events, [email]);
      });

      test("a refused delivery, an address change after sending, an expiry and a resend: by the system and by HR", async () => {
        const tenant = await sandboxTenant(t, T0);
        const [first, second] = [address("first"), address("second")];
        smtp.refuseNext(1);
        const hire = await register(t, tenant, { email: first, startDate: "2026-03-26" });
        await advance(t, tenant, "2026-03-25T14:00:00Z"); // the retry goes out at 13:00:30
        await t.gql(`mutation($id: ID!, $e: EmailAddress!) { changeEmail(employeeId: $id, email: $e) { id } }`, { id: hire.employee.id, e: second }, tenant.key);
        await advance(t, tenant, "2026-04-01T10:00:00Z");
        await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { id } }`, { id: hire.employment.id }, tenant.key);
        await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { id } }`, { id: hire.employment.id }, tenant.key);

        const events = await history(tenant, hire.employment.id);
        assert.deepEqual(steps(events), [
          ["REGISTERED", "2026-03-25T13:00:00.000Z", ADMIN],
          ["PLANNED", "2026-03-25T13:00:00.000Z", ADMIN],
          ["SEND_FAILED", "2026-03-25T13:00:00.000Z", "system"],
          ["SENT", "2026-03-25T13:00:30.000Z", "system"],
          ["EMAIL_CHANGED", "2026-03-25T14:00:00.000Z", ADMIN],
          ["PLANNED", "2026-03-25T14:00:00.000Z", ADMIN],
          ["SENT", "2026-03-25T14:00:00.000Z", "system"],
          ["EXPIRED", "2026-03-29T22:00:00.000Z", "system"],
          ["RESENT", "2026-04-01T10:00:00.000Z", ADMIN],
          ["SENT", "2026-04-01T10:00:00.000Z", "system"],
          ["RESENT", "2026-04-01T10:00:00.000Z", ADMIN],
          ["SENT", "2026-04-01T10:00:00.000Z", "system"],
        ]);
        assert.match(events[2]!.detail!, /^attempt 1 to f\*\*\*@example\.org, retry at 2026-03-25T13:00:30\.000Z: .*451/);
        assert.match(events[3]!.detail!, /^attempt 2 /);
        assert.equal(events[4]!.detail, `${masked(first)} → ${masked(second)}`);
        assert.equal(events[5]!.detail, `SEND_NOW: send at 2026-03-25T14:00:00.000Z to ${masked(second)}`);
        assertSafe(events, [first, second]);
      });

      test("an import records who registered each hire", async () => {
        const tenant = await sandboxTenant(t, T0);
        const importer = await newKey(tenant, "Recruiting system", "PARTNER");
        const email = address("imp-history");
        const rows = [{ firstName: "Anna", lastName: "Berg", email, startDate: "2026-03-26", employmentTemplateId: tenant.templateId }];
        const report = await t.gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { employments { id } } }`, { rows }, importer);
        const events = await history(tenant, report.data.importHires.employments[0].id);
        assert.deepEqual(steps(events), [
          ["REGISTERED", "2026-03-25T13:00:00.000Z", "Recruiting system"],
          ["PLANNED", "2026-03-25T13:00:00.000Z", "Recruiting system"],
          ["SENT", "2026-03-25T13:00:00.000Z", "system"],
        ]);
        assertSafe(events, [email]);
      });

      test("review: each approval by the deciding key's name, the final one plans the send; a rejection with its reason", async () => {
        const tenant = await hrTenant(t, { name: "Review history AB", sandbox: true, clockStart: T0, hasEmployeeLicense: true });
        await t.gql(`mutation { setReviewFlow(steps: [{ name: "Manager" }, { name: "HR" }]) { id } }`, {}, tenant.key);
        const reviewer = await newKey(tenant, "Line manager", "REVIEWER");
        const APPROVE = `mutation($id: ID!) { approveReviewStep(employmentId: $id) { id } }`;
        const [approvedEmail, rejectedEmail] = [address("approved"), address("rejected")];
        const approved = await register(t, tenant, { email: approvedEmail, startDate: "2026-04-10" });
        const rejected = await register(t, tenant, { email: rejectedEmail, startDate: "2026-04-10" });
        await advance(t, tenant, "2026-03-27T10:00:00Z");
        await t.gql(APPROVE, { id: approved.employment.id }, reviewer);
        await t.gql(APPROVE, { id: approved.employment.id }, tenant.key);
        await t.gql(APPROVE, { id: rejected.employment.id }, reviewer);
        const reason = `Position withdrawn; write to ${rejectedEmail}`;
        await t.gql(`mutation($id: ID!, $reason: String) { rejectEmployment(employmentId: $id, reason: $reason) { id } }`, { id: rejected.employment.id, reason }, reviewer);

        const yes = await history(tenant, approved.employment.id);
        assert.deepEqual(steps(yes), [
          ["REGISTERED", "2026-03-25T13:00:00.000Z", ADMIN],
          ["APPROVED", "2026-03-27T10:00:00.000Z", "Line manager"],
          ["APPROVED", "2026-03-27T10:00:00.000Z", ADMIN],
          ["PLANNED", "2026-03-27T10:00:00.000Z", ADMIN],
        ]);
        assert.deepEqual(yes.map((e) => e.detail), [
          `start 2026-04-10, ${masked(approvedEmail)}, review: 2 steps`,
          'step 1 of 2 "Manager"',
          'step 2 of 2 "HR"',
          `SEND_LATER: send at 2026-04-09T07:00:00.000Z to ${masked(approvedEmail)}`,
        ]);
        const no = await history(tenant, rejected.employment.id);
        assert.deepEqual(steps(no), [
          ["REGISTERED", "2026-03-25T13:00:00.000Z", ADMIN],
          ["APPROVED", "2026-03-27T10:00:00.000Z", "Line manager"],
          ["REJECTED", "2026-03-27T10:00:00.000Z", "Line manager"],
        ]);
        assert.equal(no[2]!.detail, `step 2 of 2 "HR": Position withdrawn; write to ${masked(rejectedEmail)}`, "an address in the reason is masked too");
        assertSafe([...yes, ...no], [approvedEmail, rejectedEmail]);
      });

      test("cancelled: recorded once, by the key that cancelled; nothing is recorded for a refused change", async () => {
        const tenant = await sandboxTenant(t, T0);
        const email = address("cancel-history");
        const hire = await register(t, tenant, { email, startDate: "2026-03-27" });
        await advance(t, tenant, "2026-03-25T16:00:00Z");
        const cancel = `mutation($id: ID!) { cancelEmployment(employmentId: $id) { id } }`;
        await t.gql(cancel, { id: hire.employment.id }, tenant.key);
        await t.gql(cancel, { id: hire.employment.id }, tenant.key);
        const refused = await t.gql(`mutation($id: ID!, $d: LocalDate!) { changeStartDate(employmentId: $id, startDate: $d) { id } }`, { id: hire.employment.id, d: "2026-04-10" }, tenant.key);
        assert.equal(errorCode(refused), "CONFLICT");
        await advance(t, tenant, "2026-03-27T12:00:00Z");

        const events = await history(tenant, hire.employment.id);
        assert.deepEqual(steps(events), [
          ["REGISTERED", "2026-03-25T13:00:00.000Z", ADMIN],
          ["PLANNED", "2026-03-25T13:00:00.000Z", ADMIN],
          ["CANCELLED", "2026-03-25T16:00:00.000Z", ADMIN],
        ]);
        assertSafe(events, [email]);
        const other = await createTenant(t);
        assert.equal((await t.gql(HISTORY, { id: hire.employment.id }, other.key)).data.employment, null, "another tenant sees no history");
      });
    });

    describe("importHires", () => {
      const IMPORT = `mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) {
        created unchanged failed errors { row field message } employments { id startDate connectStatus reviewStatus employee { firstName externalId } } } }`;
      const row = (tenant: HrTenant, fields: Record<string, unknown>) => ({ firstName: "Anna", lastName: "Berg", startDate: "2026-03-26", employmentTemplateId: tenant.templateId, ...fields });

      test("good rows are saved, bad ones reported by row and field, known externalIds unchanged — nothing half-saved", async () => {
        const tenant = await sandboxTenant(t, T0);
        const first = await register(t, tenant, { email: address("known"), startDate: "2026-03-26", externalId: "hr-1" });
        const [now, later, twice] = [address("imp-now"), address("imp-later"), address("imp-twice")];
        const rows = [
          row(tenant, { email: now, externalId: "hr-2" }),
          row(tenant, { firstName: "  ", externalId: "hr-3" }),
          row(tenant, { email: later, startDate: "2026-04-10", firstName: "Åsa", externalId: "hr-4" }),
          row(tenant, { externalId: "hr-1" }),
          row(tenant, { employmentTemplateId: "no-such-template" }),
          row(tenant, { email: twice, externalId: "hr-5" }),
          row(tenant, { email: twice, externalId: "hr-5" }),
          row(tenant, { employmentTemplateId: tenant.noUserTemplateId, lastName: "x".repeat(101) }),
        ];
        const report = (await t.gql(IMPORT, { rows }, tenant.key)).data.importHires;
        assert.equal(report.created, 3);
        assert.equal(report.unchanged, 2, "hr-1 exists already; hr-5's second row repeats the first");
        assert.equal(report.failed, 3);
        assert.deepEqual(report.errors.map((e: any) => [e.row, e.field]), [[2, "firstName"], [5, "employmentTemplateId"], [8, "lastName"]]);
        assert.deepEqual(report.employments.map((e: any) => e.employee.externalId), ["hr-2", "hr-4", "hr-1", "hr-5", "hr-5"]);
        assert.equal(report.employments[2].id, first.employment.id, "an unchanged row answers with the first hire");
        assert.deepEqual(report.employments.map((e: any) => e.connectStatus), ["INVITATION_SENT", "INVITATION_SCHEDULED", "INVITATION_SENT", "INVITATION_SENT", "INVITATION_SENT"]);
        assert.equal(mailsTo(smtp, now).length, 1);
        assert.equal(mailsTo(smtp, twice).length, 1);
        await advance(t, tenant, "2026-04-09T07:00:00Z");
        assert.equal(mailsTo(smtp, later).length, 1, "the later row is sent at 09:00 on the day before its start");
        const list = await t.gql(`{ invitations { totalCount } }`, {}, tenant.key);
        assert.equal(list.data.invitations.totalCount, 4, "only the saved rows have invitations");
      });

      test("imported hires follow the review flow like registered ones", async () => {
        const tenant = await hrTenant(t, { name: "Review import AB", sandbox: true, clockStart: T0, hasEmployeeLicense: true });
        await t.gql(`mutation { setReviewFlow(steps: [{ name: "Manager" }]) { id } }`, {}, tenant.key);
        const email = address("imp-review");
        const report = (await t.gql(IMPORT, { rows: [row(tenant, { email })] }, tenant.key)).data.importHires;
        assert.deepEqual([report.employments[0].reviewStatus, report.employments[0].connectStatus], ["PENDING", "AWAITING_REVIEW"]);
        assert.equal(mailsTo(smtp, email).length, 0);
      });

      test("a live tenant's import is sent by the worker through the job store, each mail once", async () => {
        clock.setNow(new Date(T0));
        const tenant = await hrTenant(t);
        const emails = [1, 2, 3].map((i) => address(`imp-live${i}`));
        const before = smtp.received.length;
        const report = (await t.gql(IMPORT, { rows: emails.map((email) => row(tenant, { email })) }, tenant.key)).data.importHires;
        assert.equal(report.created, 3);
        await smtp.waitFor(before + 3, 15_000);
        for (const email of emails) assert.equal(mailsTo(smtp, email).length, 1);
      });

      test("live tenant: the links of an import expire through one job of the tenant, each recorded at its instant", async () => {
        clock.setNow(new Date(T0));
        const tenant = await hrTenant(t);
        const emails = [1, 2, 3].map((i) => address(`imp-expire${i}`));
        const before = smtp.received.length;
        const report = (await t.gql(IMPORT, { rows: emails.map((email) => row(tenant, { email })) }, tenant.key)).data.importHires;
        await smtp.waitFor(before + 3, 15_000);
        const expiresAt = new Date("2026-03-29T22:00:00Z");
        const expiryJobs = async () => (await t.app.agenda.queryJobs({ name: EXPIRE_DUE_INVITATIONS, data: { tenantId: tenant.id } })).jobs;
        // scheduled once the batch is through, a moment after the last mail arrived
        for (let i = 0; i < 50 && (await expiryJobs()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
        const jobs = await expiryJobs();
        assert.equal(jobs.length, 1, "one expiry job for the three links");
        assert.equal(new Date(jobs[0]!.nextRunAt!).getTime(), clock.toSystemTime(expiresAt).getTime());

        // travel to the expiry, job store and clock alike
        clock.setNow(expiresAt);
        const job = await t.app.agenda.db.getJobById(String(jobs[0]!._id));
        await t.app.agenda.db.saveJob({ ...job!, nextRunAt: clock.toSystemTime(expiresAt) }, undefined);
        const lastEvents = async () =>
          Promise.all(report.employments.map(async (e: { id: string }) => (await t.gql(HISTORY_TAIL, { id: e.id }, tenant.key)).data.employment.history.at(-1)));
        for (let i = 0; i < 150 && (await lastEvents()).some((e) => e.kind !== "EXPIRED"); i++) await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(await lastEvents(), emails.map(() => ({ kind: "EXPIRED", at: expiresAt.toISOString(), actor: "system" })));
        const page = await t.gql(`{ invitations(first: 10, status: EXPIRED) { totalCount } }`, {}, tenant.key);
        assert.equal(page.data.invitations.totalCount, 3);
      });

      test("live tenant: an SMTP server refusing everything stops the bursts after 50 refusals in a row; all go out once, when it accepts again", async () => {
        clock.setNow(new Date(T0));
        const tenant = await hrTenant(t);
        const emails = Array.from({ length: 400 }, (_, i) => address(`refused-burst${i}`));
        const before = smtp.received.length;
        smtp.refuseNext(1000);
        try {
          await t.gql(IMPORT, { rows: emails.map((email) => row(tenant, { email })) }, tenant.key);
          const page = `query($status: InvitationStatus, $after: String) { invitations(first: 200, status: $status, after: $after) {
            totalCount pageInfo { endCursor } edges { node { attempts lastError } } } }`;
          const scheduled = async () => {
            const first = (await t.gql(page, { status: "SCHEDULED" }, tenant.key)).data.invitations;
            const rest = (await t.gql(page, { status: "SCHEDULED", after: first.pageInfo.endCursor }, tenant.key)).data.invitations;
            return [...first.edges, ...rest.edges];
          };
          const tried = async () => (await scheduled()).filter((e: any) => e.node.attempts > 0);
          // the burst's job (and a sweep, if one comes by) tries a batch or two and stops
          let attempted = -1;
          for (let i = 0; i < 100; i++, await new Promise((r) => setTimeout(r, 200))) {
            const now = await tried();
            const settled = now.length > 0 && now.every((e: any) => e.node.lastError !== null); // none still in flight
            if (settled && now.length === attempted) break;
            attempted = settled ? now.length : -1;
          }
          assert.ok(attempted >= 50 && attempted <= 200, `${attempted} of 400 tried before it stopped`);
          const reasons = [...new Set<string>((await tried()).map((e: any): string => e.node.lastError))];
          assert.ok(reasons.every((r) => /test refusal/.test(r)), `each refused one shows why: ${reasons.join(" / ")}`);
          assert.equal((await scheduled()).length, 400, "none lost");
        } finally {
          smtp.stopRefusing();
        }
        // the server is back: a minute later the sweep sends the untried ones and the refused ones, whose retry is due
        clock.setNow(new Date(new Date(T0).getTime() + 60_000));
        await t.app.services.dispatch.sweep();
        await smtp.waitFor(before + 400, 30_000);
        for (const email of emails) assert.equal(mailsTo(smtp, email).length, 1, `${email} once`);
      });

      test("more than 10 000 rows in one request is refused, asking to split", async () => {
        const tenant = await sandboxTenant(t, T0);
        const rows = Array.from({ length: 10_001 }, () => row(tenant, {}));
        const refused = await t.gql(IMPORT, { rows }, tenant.key);
        assert.equal(errorCode(refused), "BAD_USER_INPUT");
        assert.match(refused.errors![0]!.message, /At most 10000 rows/);
      });
    });

    test("the same externalId again returns the first hire and sends nothing new", async () => {
      const tenant = await sandboxTenant(t, T0);
      const email = address("partner");
      const first = await register(t, tenant, { email, startDate: "2026-03-26", externalId: "payroll-42" });
      const again = await register(t, tenant, { email, startDate: "2026-03-26", externalId: "payroll-42" });
      assert.equal(again.employee.id, first.employee.id);
      assert.equal(again.employment.id, first.employment.id);
      const racing = await Promise.all([1, 2, 3].map(() => register(t, tenant, { email: address("race"), startDate: "2026-03-26", externalId: "payroll-43" })));
      assert.equal(new Set(racing.map((h) => h.employee.id)).size, 1, "concurrent retries find one hire");
      assert.equal(mailsTo(smtp, email).length, 1);
      const other = await sandboxTenant(t, T0);
      const elsewhere = await register(t, other, { email, startDate: "2026-03-26", externalId: "payroll-42" });
      assert.notEqual(elsewhere.employee.id, first.employee.id, "externalId is unique per tenant, not across tenants");
    });

    test("a template without a user template: no user, no invitation (NO_USER)", async () => {
      const tenant = await sandboxTenant(t, T0);
      const email = address("consultant");
      const hire = await register(t, tenant, { email, startDate: "2026-03-26", employmentTemplateId: tenant.noUserTemplateId });
      assert.equal(hire.employee.user, null);
      assert.equal(hire.employment.connectStatus, "NO_USER");
      assert.equal(hire.employment.invitation, null);
      assert.equal(hire.employment.template.userTemplate, null);
      assert.equal(mailsTo(smtp, email).length, 0);
    });

    test("bad input is refused with BAD_USER_INPUT or NOT_FOUND, and nothing is written", async () => {
      const tenant = await sandboxTenant(t, T0);
      const base = { firstName: "Anna", lastName: "Berg", employmentTemplateId: tenant.templateId, startDate: "2026-03-26" };
      const mutation = `mutation($input: RegisterHireInput!) { registerHire(input: $input) { employee { id } } }`;
      assert.equal(errorCode(await t.gql(mutation, { input: { ...base, startDate: "2026-02-30" } }, tenant.key)), "BAD_USER_INPUT");
      assert.equal(errorCode(await t.gql(mutation, { input: { ...base, email: "anna@" } }, tenant.key)), "BAD_USER_INPUT");
      const blank = await t.gql(mutation, { input: { ...base, firstName: "   " } }, tenant.key);
      assert.equal(errorCode(blank), "BAD_USER_INPUT");
      assert.match(blank.errors![0]!.message, /firstName/);
      assert.equal(errorCode(await t.gql(mutation, { input: { ...base, employmentTemplateId: "no-such-template" } }, tenant.key)), "NOT_FOUND");
      const list = await t.gql(`{ invitations { totalCount } }`, {}, tenant.key);
      assert.equal(list.data.invitations.totalCount, 0);
      assert.equal(errorCode(await t.gql(`mutation { advanceTestClock(to: "2026-03-24T00:00:00Z") { id } }`, {}, tenant.key)), "BAD_USER_INPUT");
      const live = await hrTenant(t);
      assert.equal(errorCode(await t.gql(`mutation { advanceTestClock(to: "2030-01-01T00:00:00Z") { id } }`, {}, live.key)), "BAD_USER_INPUT");
    });

    test("another tenant's hire behaves exactly like one that does not exist", async () => {
      const tenant = await sandboxTenant(t, T0);
      const hire = await register(t, tenant, { email: address("private"), startDate: "2026-03-26" });
      const other = await createTenant(t);
      assert.equal((await t.gql(`query($id: ID!) { employee(id: $id) { id } }`, { id: hire.employee.id }, other.key)).data.employee, null);
      assert.equal((await t.gql(`query($id: ID!) { employment(id: $id) { id } }`, { id: hire.employment.id }, other.key)).data.employment, null);
      assert.equal(errorCode(await t.gql(ACCOUNT_STATUS, { id: hire.employee.id }, other.key)), "NOT_FOUND");
      assert.equal(errorCode(await t.gql(`mutation($id: ID!) { cancelEmployment(employmentId: $id) { id } }`, { id: hire.employment.id }, other.key)), "NOT_FOUND");
      assert.equal((await t.gql(`{ invitations { totalCount } }`, {}, other.key)).data.invitations.totalCount, 0);
    });

    test("invitations: newest first, cursor pagination, totalCount, filtered by what clients see", async () => {
      const tenant = await sandboxTenant(t, T0);
      for (const [i, startDate] of ["2026-03-26", "2026-03-26", "2026-03-26", "2026-04-20"].entries()) {
        await advance(t, tenant, `2026-03-25T13:0${i}:00Z`);
        await register(t, tenant, { email: address(`list${i}`), startDate });
      }
      const page = `query($after: String, $status: InvitationStatus) { invitations(first: 2, after: $after, status: $status) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id email status } } } }`;
      const one = (await t.gql(page, {}, tenant.key)).data.invitations;
      assert.equal(one.totalCount, 4);
      assert.equal(one.edges.length, 2);
      assert.equal(one.pageInfo.hasNextPage, true);
      assert.equal(one.edges[0].node.status, "SCHEDULED", "newest first");
      const two = (await t.gql(page, { after: one.pageInfo.endCursor }, tenant.key)).data.invitations;
      assert.equal(two.edges.length, 2);
      assert.equal(two.pageInfo.hasNextPage, false);
      const ids = [...one.edges, ...two.edges].map((e: any) => e.node.id);
      assert.equal(new Set(ids).size, 4, "no row twice, none skipped");
      assert.equal((await t.gql(page, { status: "SENT" }, tenant.key)).data.invitations.totalCount, 3);
      await advance(t, tenant, "2026-03-30T00:00:00Z");
      assert.equal((await t.gql(page, { status: "EXPIRED" }, tenant.key)).data.invitations.totalCount, 3);
      assert.equal(errorCode(await t.gql(page, { after: "garbage" }, tenant.key)), "BAD_USER_INPUT");
    });

    test("a refused delivery is retried with back-off, visible on the invitation, and sent once", async () => {
      const tenant = await sandboxTenant(t, T0);
      const email = address("retry");
      smtp.refuseNext(1);
      const hire = await register(t, tenant, { email, startDate: "2026-03-26" });
      assert.equal(hire.employment.connectStatus, "INVITATION_SCHEDULED");
      assert.equal(hire.employment.invitation.attempts, 1);
      assert.match(hire.employment.invitation.lastError, /451/);
      assert.equal(mailsTo(smtp, email).length, 0);
      await advance(t, tenant, "2026-03-25T13:00:30Z");
      const retried = await t.gql(EMPLOYMENT, { id: hire.employment.id }, tenant.key);
      assert.equal(retried.data.employment.invitation.status, "SENT");
      assert.equal(retried.data.employment.invitation.attempts, 2);
      assert.equal(retried.data.employment.invitation.lastError, null);
      assert.equal(retried.data.employment.invitation.sentAt, "2026-03-25T13:00:30.000Z");
      assert.equal(mailsTo(smtp, email).length, 1);
    });

    test("sandbox: a send cut off by a crash (its lease ran out) goes out when the test clock next moves", async () => {
      const tenant = await sandboxTenant(t, T0);
      const email = address("sandbox-crash");
      const hire = await register(t, tenant, { email, startDate: "2026-03-27" });
      const id = hire.employment.invitation.id;
      // what a process killed in the middle of sending leaves behind
      await t.app.dataSource.manager.update(Invitation, { id }, { status: "SENDING", dueAt: new Date(T0), leaseUntil: new Date(clock.now().getTime() - 1) });
      await advance(t, tenant, "2026-03-25T13:00:01Z");
      assert.equal(mailsTo(smtp, email).length, 1);
      const sent = await t.gql(EMPLOYMENT, { id: hire.employment.id }, tenant.key);
      assert.equal(sent.data.employment.invitation.status, "SENT");
    });

    test("live tenant: a deferred send is executed by the Agenda worker when it falls due", async () => {
      clock.setNow(new Date(T0));
      const tenant = await hrTenant(t);
      const email = address("worker");
      const hire = await register(t, tenant, { email, startDate: "2026-03-27" });
      const sendAt = new Date(hire.employment.invitation.sendAt);
      assert.equal(sendAt.toISOString(), "2026-03-26T08:00:00.000Z");
      const { jobs } = await t.app.agenda.queryJobs({ name: SEND_INVITATION, data: { invitationId: hire.employment.invitation.id } });
      assert.equal(jobs.length, 1, "one job in the store for the deferred send");
      assert.equal(new Date(jobs[0]!.nextRunAt!).getTime(), clock.toSystemTime(sendAt).getTime());

      // travel to a second before 09:00 on the day before the start, job store and clock alike
      clock.setNow(new Date(sendAt.getTime() - 1000));
      const job = await t.app.agenda.db.getJobById(String(jobs[0]!._id));
      await t.app.agenda.db.saveJob({ ...job!, nextRunAt: clock.toSystemTime(sendAt) }, undefined);
      await smtp.waitFor(smtp.received.length + 1, 15_000);
      assert.equal(mailsTo(smtp, email).length, 1);
      const status = await statusAfterSend(t, tenant, hire.employee.id);
      assert.equal(status.connectStatus, "INVITATION_SENT");
      assert.ok(new Date(status.invitation.sentAt).getTime() >= sendAt.getTime(), "not before it was due");
      assert.equal(status.invitation.expiresAt, "2026-03-30T22:00:00.000Z");
    });

    test("a send that runs twice at once (a doubled job, two workers) mails once", async () => {
      clock.setNow(new Date(T0));
      const tenant = await hrTenant(t);
      const email = address("twice");
      const hire = await register(t, tenant, { email, startDate: "2026-03-27" });
      clock.setNow(new Date("2026-03-26T08:00:00Z"));
      const id = hire.employment.invitation.id;
      await Promise.all([1, 2, 3, 4].map(() => t.app.services.dispatch.deliver(id)));
      await t.app.services.dispatch.sweep();
      assert.equal(mailsTo(smtp, email).length, 1);
      const history = await t.gql(`query($id: ID!) { employment(id: $id) { history { kind } } }`, { id: hire.employment.id }, tenant.key);
      assert.deepEqual(history.data.employment.history.map((e: any) => e.kind), ["REGISTERED", "PLANNED", "SENT"], "and is recorded once");
    });

    test("live tenant: a lost job is made good by the sweep; a second sweep sends nothing more", async () => {
      clock.setNow(new Date(T0));
      const tenant = await hrTenant(t);
      const email = address("lost");
      const hire = await register(t, tenant, { email, startDate: "2026-03-27" });
      await t.app.agenda.cancel({ name: SEND_INVITATION, data: { invitationId: hire.employment.invitation.id } });
      clock.setNow(new Date("2026-03-26T08:00:05Z"));
      await t.app.services.dispatch.sweep();
      await t.app.services.dispatch.sweep();
      await t.app.services.dispatch.deliver(hire.employment.invitation.id);
      assert.equal(mailsTo(smtp, email).length, 1);
      clock.setNow(new Date("2026-03-30T22:00:01Z"));
      await t.app.services.dispatch.sweep();
      const status = await t.gql(ACCOUNT_STATUS, { id: hire.employee.id }, tenant.key);
      assert.equal(status.data.accountStatus.invitation.status, "EXPIRED");
      const history = await t.gql(`query($id: ID!) { employment(id: $id) { history { kind at actor } } }`, { id: hire.employment.id }, tenant.key);
      assert.deepEqual(history.data.employment.history.at(-1), { kind: "EXPIRED", at: "2026-03-30T22:00:00.000Z", actor: "system" }, "the sweep's expiry is recorded, at the link's expiry");
    });
  });
}
