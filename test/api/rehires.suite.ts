import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DateTime } from "luxon";
import { Clock } from "../../src/services/clock.js";
import { errorCode, startOn, type Environment, type TestApp } from "../support/app.js";
import { ConnectAccount } from "../../src/entities/index.js";
import { ACCOUNT_STATUS, address, advance, hrTenant, mailsTo, register, sandboxTenant, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

const RESEND_MANY = `mutation($filter: ResendFilter!, $dryRun: Boolean) {
  resendInvitations(filter: $filter, dryRun: $dryRun) { count skipped dryRun employments { id invitation { id status } } } }`;
const EMPLOYMENT_STATE = `query($id: ID!) { employment(id: $id) { id connectStatus invitation { id email status sentAt } history { kind detail actor } } }`;
const LINK_INFO = `query($token: String!) { linkInfo(token: $token) { state } }`;
const CANCEL = `mutation($id: ID!) { cancelEmployment(employmentId: $id) { status } }`;
const IMPORT = `mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created failed employments { id } } }`;
const RESEND_IDS = `mutation($filter: ResendFilter!) { resendInvitations(filter: $filter) { count employments { id } } }`;
const COUNT = `query($status: InvitationStatus) { invitations(first: 1, status: $status) { totalCount } }`;

/** Wednesday 2026-03-25 14:00 Europe/Stockholm: the sandbox clocks' start (SPEC's worked examples). */
const T0 = "2026-03-25T13:00:00Z";
const ADD = `mutation($id: ID!, $input: AddEmploymentInput!) { addEmployment(employeeId: $id, input: $input) {
  id startDate status reviewStatus connectStatus invitation { id email status } history { kind detail } } }`;
const EMPLOYEE = `query($id: ID!) { employee(id: $id) { id firstName externalId email employments { id startDate connectStatus }
  user { connectStatus connectAccount { id method } } } }`;
const VERIFY = `mutation($token: String!) { verifyInvitation(token: $token) { connectAccount { id method } } }`;
const REGISTER_AS = `mutation($input: RegisterHireInput!) { registerHire(input: $input) { employee { id } employment { id connectStatus invitation { id } history { kind detail } } } }`;
const APPROVE = `mutation($id: ID!) { approveReviewStep(employmentId: $id) { reviewStatus connectStatus } }`;
const CHANGE_EMAIL = `mutation($id: ID!, $e: EmailAddress!) { changeEmail(employeeId: $id, email: $e) { email } }`;
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 20);

/** A calendar date `days` from today in Stockholm (the live tenants' zone). */
const localDate = (days: number) => DateTime.now().setZone("Europe/Stockholm").plus({ days }).toISODate()!;

/** Waits until `check` holds (it is asked every 50 ms); throws with `what` when it has not by the deadline. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * R9's rehires and R10's bulk resend through the HTTP endpoint, on a real database and job store,
 * with a real SMTP server.
 */
export function rehiresSuite(label: string, environment: Environment): void {
  lifecycleSuite(label, environment, "rehires");
}

/** The bulk resend's tests, in a file of their own (each file within the test runner's time per file). */
export function bulkResendSuite(label: string, environment: Environment): void {
  lifecycleSuite(label, environment, "bulk resend");
}

function lifecycleSuite(label: string, environment: Environment, part: "rehires" | "bulk resend"): void {
  describe(`${part} on ${label}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let stop: () => Promise<void>;

    before(async () => {
      smtp = await startTestSmtp();
      ({ t, stop } = await startOn(environment, smtp, { clock: new Clock(), jobTuning: { lockLifetimeMs: 4000 } }));
    });
    after(async () => {
      await stop?.();
      await smtp?.close();
    });

    const employment = async (tenant: HrTenant, id: string) => (await t.gql(EMPLOYMENT_STATE, { id }, tenant.key)).data.employment;


    /** A hire of `tenant` who confirmed the mailed link: the employee has a Connect account (EMAIL_VERIFICATION). */
    async function connectedHire(tenant: HrTenant, key = tenant.key, extra: Record<string, unknown> = {}) {
      const email = address("rehire");
      const response = await t.gql(REGISTER_AS, { input: { firstName: "Anna", lastName: "Berg", email, startDate: "2026-03-26", employmentTemplateId: tenant.templateId, ...extra } }, key);
      if (!response.data) throw new Error(JSON.stringify(response.errors));
      await until("the link is mailed", () => mailsTo(smtp, email).length === 1);
      const verified = await t.gql(VERIFY, { token: tokenMailedTo(smtp, email) });
      assert.equal(verified.data.verifyInvitation.connectAccount.method, "EMAIL_VERIFICATION");
      return { email, employeeId: response.data.registerHire.employee.id as string, employmentId: response.data.registerHire.employment.id as string };
    }
    const connectedEvent = (employment: { history: { kind: string; detail: string }[] }) => employment.history.find((e) => e.kind === "CONNECTED");

    if (part === "rehires") describe("rehires (R9)", () => {
      test("addEmployment of an employee with a Connect account: re-linked at once — CONNECTED, EXISTING_ACCOUNT, no mail — also with a start date far ahead", async () => {
        const tenant = await sandboxTenant(t, T0);
        const hire = await connectedHire(tenant);
        const added = await t.gql(ADD, { id: hire.employeeId, input: { startDate: "2027-01-11", employmentTemplateId: tenant.templateId } }, tenant.key);
        assert.equal(added.errors, undefined, JSON.stringify(added.errors));
        const employment = added.data.addEmployment;
        assert.equal(employment.connectStatus, "CONNECTED");
        assert.equal(employment.invitation, null, "no invitation");
        assert.deepEqual(employment.history.map((e: any) => e.kind), ["REGISTERED", "CONNECTED"]);
        assert.match(connectedEvent(employment)!.detail, /^EXISTING_ACCOUNT r\*\*\*@example\.org/);
        assert.ok(!connectedEvent(employment)!.detail.includes(hire.email), "no full address");

        const employee = (await t.gql(EMPLOYEE, { id: hire.employeeId }, tenant.key)).data.employee;
        assert.deepEqual(employee.employments.map((m: any) => [m.id, m.connectStatus]), [[hire.employmentId, "CONNECTED"], [employment.id, "CONNECTED"]]);
        assert.equal(employee.user.connectAccount.method, "EXISTING_ACCOUNT");
        const status = (await t.gql(ACCOUNT_STATUS, { id: hire.employeeId }, tenant.key)).data.accountStatus;
        assert.equal(status.connectStatus, "CONNECTED");
        assert.equal(status.connectAccount.id, employee.user.connectAccount.id, "the same account: one person, one account");

        const again = await t.gql(ADD, { id: hire.employeeId, input: { startDate: "2027-01-11", employmentTemplateId: tenant.templateId } }, tenant.key);
        assert.equal(again.data.addEmployment.id, employment.id, "the same employment again (a retried request) adds nothing");
        await advance(t, tenant, "2027-01-12T00:00:00Z"); // past the day before the start: nothing is due
        assert.equal(mailsTo(smtp, hire.email).length, 1, "only the first invitation was ever mailed");
      });

      test("an account whose link was removed (a leaver) is linked again by addEmployment: its link is back, no mail", async () => {
        const tenant = await sandboxTenant(t, T0);
        const hire = await connectedHire(tenant);
        // the leavers' removal (endEmployment, another branch) as it leaves the row: the account stays, its link is gone
        await t.app.dataSource.manager.update(ConnectAccount, { tenantId: tenant.id }, { disconnectedAt: new Date("2026-03-25T13:00:00Z") });
        const added = await t.gql(ADD, { id: hire.employeeId, input: { startDate: "2026-06-01", employmentTemplateId: tenant.templateId } }, tenant.key);
        assert.equal(added.errors, undefined, JSON.stringify(added.errors));
        assert.equal(added.data.addEmployment.connectStatus, "CONNECTED");
        assert.match(connectedEvent(added.data.addEmployment)!.detail, /^EXISTING_ACCOUNT .*its link, removed 2026-03-25T13:00:00.000Z, is back/);
        const account = await t.app.dataSource.manager.findOneByOrFail(ConnectAccount, { tenantId: tenant.id });
        assert.equal(account.disconnectedAt, null);
        assert.equal(account.method, "EXISTING_ACCOUNT");
        assert.equal(mailsTo(smtp, hire.email).length, 1);
      });

      test("registering a hire with the address of an employee with a Connect account is a rehire of that employee: a new employment of theirs, re-linked, no mail", async () => {
        const tenant = await sandboxTenant(t, T0);
        const hire = await connectedHire(tenant, tenant.key, { externalId: "hr-1" });
        const shouted = hire.email.toUpperCase();
        const again = await t.gql(REGISTER_AS, { input: { firstName: "Anna", lastName: "Lind", email: shouted, startDate: "2026-09-01", employmentTemplateId: tenant.templateId, externalId: "hr-2" } }, tenant.key);
        assert.equal(again.errors, undefined, JSON.stringify(again.errors));
        assert.equal(again.data.registerHire.employee.id, hire.employeeId, "the same employee");
        assert.equal(again.data.registerHire.employment.connectStatus, "CONNECTED");
        assert.equal(again.data.registerHire.employment.invitation, null);
        assert.match(connectedEvent(again.data.registerHire.employment)!.detail, /^EXISTING_ACCOUNT/);
        assert.match(again.data.registerHire.employment.history[0].detail, /a rehire/);
        const imported = await t.gql(IMPORT, { rows: [{ firstName: "Anna", lastName: "Berg", email: hire.email, startDate: "2026-10-01", employmentTemplateId: tenant.templateId }] }, tenant.key);
        assert.equal(imported.data.importHires.created, 1, "the import's rows take the same path");
        const employee = (await t.gql(EMPLOYEE, { id: hire.employeeId }, tenant.key)).data.employee;
        assert.deepEqual(employee.employments.map((m: any) => [m.startDate, m.connectStatus]), [["2026-03-26", "CONNECTED"], ["2026-09-01", "CONNECTED"], ["2026-10-01", "CONNECTED"]]);
        assert.deepEqual([employee.firstName, employee.externalId, employee.email], ["Anna", "hr-1", hire.email], "the person's record stays as it was");
        await advance(t, tenant, "2026-10-02T00:00:00Z");
        assert.equal(mailsTo(smtp, hire.email).length + mailsTo(smtp, shouted).length, 1, "one person, one account: no second invitation");
      });

      test("under a review flow the rehire is re-linked at its final approval, not before", async () => {
        const tenant = await hrTenant(t, { name: "Review AB", sandbox: true, clockStart: T0, hasEmployeeLicense: true });
        const hire = await connectedHire(tenant);
        await t.gql(`mutation { setReviewFlow(steps: [{ name: "Manager" }, { name: "HR" }]) { id } }`, {}, tenant.key);
        const added = (await t.gql(ADD, { id: hire.employeeId, input: { startDate: "2026-03-27", employmentTemplateId: tenant.templateId } }, tenant.key)).data.addEmployment;
        assert.equal(added.reviewStatus, "PENDING");
        assert.equal(connectedEvent(added), undefined, "not re-linked before the final approval");
        const method = async () => (await t.gql(EMPLOYEE, { id: hire.employeeId }, tenant.key)).data.employee.user.connectAccount.method;
        assert.equal(await method(), "EMAIL_VERIFICATION");
        await t.gql(APPROVE, { id: added.id }, tenant.key);
        assert.equal(connectedEvent((await employment(tenant, added.id)))?.detail, undefined, "one step of two: still not");
        const final = await t.gql(APPROVE, { id: added.id }, tenant.key);
        assert.deepEqual(final.data.approveReviewStep, { reviewStatus: "APPROVED", connectStatus: "CONNECTED" });
        assert.match(connectedEvent(await employment(tenant, added.id))!.detail, /^EXISTING_ACCOUNT/);
        assert.equal(await method(), "EXISTING_ACCOUNT");
        assert.equal((await employment(tenant, added.id)).invitation, null);
        assert.equal(mailsTo(smtp, hire.email).length, 1, "no mail");
      });

      test("addEmployment of an employee without a Connect account: invited by the usual rules, and connected by the link", async () => {
        const tenant = await sandboxTenant(t, T0);
        const email = address("no-account");
        const first = await register(t, tenant, { email, startDate: "2026-04-20" }); // planned, not sent
        await t.gql(CANCEL, { id: first.employment.id }, tenant.key);
        const added = (await t.gql(ADD, { id: first.employee.id, input: { startDate: "2026-03-26", employmentTemplateId: tenant.templateId } }, tenant.key)).data.addEmployment;
        assert.equal(added.invitation.email, email);
        await until("the new employment's link is mailed", () => mailsTo(smtp, email).length === 1);
        const verified = await t.gql(VERIFY, { token: tokenMailedTo(smtp, email) });
        assert.equal(verified.data.verifyInvitation.connectAccount.method, "EMAIL_VERIFICATION");
        assert.equal((await employment(tenant, added.id)).connectStatus, "CONNECTED");
        const later = (await t.gql(ADD, { id: first.employee.id, input: { startDate: "2026-05-01", employmentTemplateId: tenant.noUserTemplateId } }, tenant.key)).data.addEmployment;
        assert.equal(later.connectStatus, "CONNECTED", "the person's user and account serve every employment of theirs");
        const unknown = await t.gql(ADD, { id: first.employee.id, input: { startDate: "2026-05-01", employmentTemplateId: first.employee.id } }, tenant.key);
        assert.equal(errorCode(unknown), "NOT_FOUND");
        const badDate = await t.gql(ADD, { id: first.employee.id, input: { startDate: "9999-01-01", employmentTemplateId: tenant.templateId } }, tenant.key);
        assert.equal(errorCode(badDate), "BAD_USER_INPUT");
      });

      test("one person, one account: confirming the link of one employment cancels the invitation another employment of theirs still waits to send", async () => {
        const tenant = await sandboxTenant(t, T0);
        const email = address("two-jobs");
        const first = await register(t, tenant, { email, startDate: "2026-03-26" }); // sent now
        const second = (await t.gql(ADD, { id: first.employee.id, input: { startDate: "2026-04-20", employmentTemplateId: tenant.templateId } }, tenant.key)).data.addEmployment;
        assert.equal(second.invitation.status, "SCHEDULED", "no account yet: invited by the usual rules");
        await until("the first link is mailed", () => mailsTo(smtp, email).length === 1);
        await t.gql(VERIFY, { token: tokenMailedTo(smtp, email) });
        const seen = await employment(tenant, second.id);
        assert.equal(seen.connectStatus, "CONNECTED");
        assert.equal(seen.invitation.status, "CANCELLED");
        assert.match(connectedEvent(seen)!.detail, /^EXISTING_ACCOUNT .*another employment/);
        await advance(t, tenant, "2026-04-21T00:00:00Z");
        assert.equal(mailsTo(smtp, email).length, 1, "the second invitation never goes out");
      });

      test("addEmployment and the hire confirming a link at the same moment: the new employment ends connected, its invitation never sent", async () => {
        const tenant = await sandboxTenant(t, T0);
        const problems: string[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const email = address("race-verify");
          const first = await register(t, tenant, { email, startDate: "2026-03-26" });
          await until("the link is mailed", () => mailsTo(smtp, email).length === 1);
          const token = tokenMailedTo(smtp, email);
          const add = () => t.gql(ADD, { id: first.employee.id, input: { startDate: "2026-06-20", employmentTemplateId: tenant.templateId } }, tenant.key);
          const verify = () => t.gql(VERIFY, { token });
          const [added, verified] = round % 2 ? await Promise.all([add(), verify()]) : (await Promise.all([verify(), add()])).reverse();
          if (added.errors || verified.errors) { problems.push(`round ${round}: ${JSON.stringify(added.errors ?? verified.errors)}`); continue; }
          const seen = await employment(tenant, added.data.addEmployment.id);
          if (seen.connectStatus !== "CONNECTED") problems.push(`round ${round}: the new employment is ${seen.connectStatus}`);
          if (seen.invitation && seen.invitation.status !== "CANCELLED") problems.push(`round ${round}: its invitation is ${seen.invitation.status}`);
        }
        assert.deepEqual(problems, []);
      });

      test("a partner adds employments only to its own hires (R12): another's employee is NOT_FOUND, and its address is no rehire for the partner", async () => {
        const tenant = await sandboxTenant(t, T0);
        const partner = (await t.gql(`mutation { createApiKey(input: { name: "Payroll", roles: [PARTNER] }) { apiKey } }`, {}, tenant.key)).data.createApiKey.apiKey;
        const hrs = await connectedHire(tenant);
        const own = await connectedHire(tenant, partner);
        const refused = await t.gql(ADD, { id: hrs.employeeId, input: { startDate: "2026-06-01", employmentTemplateId: tenant.templateId } }, partner);
        assert.equal(errorCode(refused), "NOT_FOUND");
        assert.equal((await t.gql(EMPLOYEE, { id: hrs.employeeId }, tenant.key)).data.employee.employments.length, 1, "nothing added");
        const allowed = await t.gql(ADD, { id: own.employeeId, input: { startDate: "2026-06-01", employmentTemplateId: tenant.templateId } }, partner);
        assert.equal(allowed.data.addEmployment.connectStatus, "CONNECTED");
        const byAddress = await t.gql(REGISTER_AS, { input: { firstName: "A", lastName: "B", email: hrs.email, startDate: "2026-03-26", employmentTemplateId: tenant.templateId } }, partner);
        assert.notEqual(byAddress.data.registerHire.employee.id, hrs.employeeId, "HR's employee does not exist for the partner: a new hire of its own");
        await until("the partner's new hire is invited", () => mailsTo(smtp, hrs.email).length === 2);
      });

      test("addEmployment and changeEmail at the same moment end as one after the other: the new employment's invitation goes to the new address", async () => {
        const tenant = await sandboxTenant(t, T0);
        const problems: string[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const old = address("race-old");
          const renamed = address("race-new");
          const first = await register(t, tenant, { email: old, startDate: "2026-04-20" });
          await t.gql(CANCEL, { id: first.employment.id }, tenant.key);
          const add = () => t.gql(ADD, { id: first.employee.id, input: { startDate: "2026-03-26", employmentTemplateId: tenant.templateId } }, tenant.key);
          const change = () => t.gql(CHANGE_EMAIL, { id: first.employee.id, e: renamed }, tenant.key);
          const [added, changed] = round % 2 ? await Promise.all([add(), change()]) : (await Promise.all([change(), add()])).reverse();
          if (added.errors || changed.errors) { problems.push(`round ${round}: ${JSON.stringify(added.errors ?? changed.errors)}`); continue; }
          const seen = await employment(tenant, added.data.addEmployment.id);
          if (seen.invitation?.email !== renamed) problems.push(`round ${round}: the new employment's invitation is to ${seen.invitation?.email === old ? "the old address" : seen.invitation?.email}`);
          await until("the new address is mailed", () => mailsTo(smtp, renamed).length >= 1);
          for (const link of smtp.linksTo(old)) {
            const state = (await t.gql(LINK_INFO, { token: new URL(link).searchParams.get("token") })).data.linkInfo.state;
            if (state === "VALID") problems.push(`round ${round}: a link to the old address is VALID`);
          }
        }
        assert.deepEqual(problems, []);
      });

      test("two addEmployment requests with the same start date and template at once (a double click) add one employment", async () => {
        const tenant = await sandboxTenant(t, T0);
        const hire = await connectedHire(tenant);
        const problems: string[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const startDate = DateTime.fromISO("2026-05-01").plus({ days: round }).toISODate();
          const input = { startDate, employmentTemplateId: tenant.templateId };
          const answers = await Promise.all([0, 1].map(() => t.gql(ADD, { id: hire.employeeId, input }, tenant.key)));
          const ids = answers.map((a) => a.data?.addEmployment?.id ?? JSON.stringify(a.errors));
          if (ids[0] !== ids[1]) problems.push(`round ${round}: ${ids.join(" / ")}`);
        }
        const employee = (await t.gql(EMPLOYEE, { id: hire.employeeId }, tenant.key)).data.employee;
        assert.deepEqual(problems, []);
        assert.equal(employee.employments.length, 1 + ROUNDS);
      });
    });

    if (part === "bulk resend") describe("resendInvitations (R10)", () => {
      test("dryRun says how many and which and sends nothing; the real run resends each match once, with a new link, through the burst", async () => {
        const tenant = await hrTenant(t);
        const inRange = localDate(1); // sent at once (R3)
        const emails = [address("bulk-a"), address("bulk-b"), address("bulk-c")];
        const hires = [];
        for (const email of emails) hires.push(await register(t, tenant, { email, startDate: inRange }));
        const outside = address("bulk-outside");
        await register(t, tenant, { email: outside, startDate: localDate(3) }); // SCHEDULED, and outside the range
        const cancelled = address("bulk-cancelled");
        const cancelledHire = await register(t, tenant, { email: cancelled, startDate: inRange });
        await until("the four links went out", () => [...emails, cancelled].every((e) => mailsTo(smtp, e).length === 1));
        await t.gql(CANCEL, { id: cancelledHire.employment.id }, tenant.key);
        const firstTokens = emails.map((e) => tokenMailedTo(smtp, e));
        const filter = { statuses: ["SENT", "CANCELLED", "SCHEDULED"], startDateFrom: inRange, startDateTo: localDate(2) };

        const dry = await t.gql(RESEND_MANY, { filter, dryRun: true }, tenant.key);
        assert.equal(dry.errors, undefined, JSON.stringify(dry.errors));
        assert.equal(dry.data.resendInvitations.dryRun, true);
        assert.equal(dry.data.resendInvitations.count, 3);
        assert.equal(dry.data.resendInvitations.skipped, 1, "the cancelled employment matches but may not be resent");
        assert.deepEqual(dry.data.resendInvitations.employments.map((m: any) => m.id).sort(), hires.map((h) => h.employment.id).sort());
        for (const hire of hires) assert.equal((await employment(tenant, hire.employment.id)).invitation.id, hire.employment.invitation.id, "dryRun changed nothing");
        assert.deepEqual(await Promise.all(firstTokens.map(async (token) => (await t.gql(LINK_INFO, { token })).data.linkInfo.state)), ["VALID", "VALID", "VALID"]);

        const run = await t.gql(RESEND_MANY, { filter }, tenant.key);
        assert.equal(run.errors, undefined, JSON.stringify(run.errors));
        assert.deepEqual({ count: run.data.resendInvitations.count, skipped: run.data.resendInvitations.skipped, dryRun: run.data.resendInvitations.dryRun }, { count: 3, skipped: 1, dryRun: false });
        await until("each match got its second mail", () => emails.every((e) => mailsTo(smtp, e).length === 2));
        for (const [i, hire] of hires.entries()) {
          const seen = await employment(tenant, hire.employment.id);
          assert.notEqual(seen.invitation.id, hire.employment.invitation.id, "a new invitation");
          await until("the new invitation is SENT", async () => (await employment(tenant, hire.employment.id)).invitation.status === "SENT");
          assert.ok(seen.history.some((e: any) => e.kind === "RESENT" && /bulk resend/.test(e.detail)));
          const newToken = tokenMailedTo(smtp, emails[i]!);
          assert.equal((await t.gql(LINK_INFO, { token: firstTokens[i] })).data.linkInfo.state, "INVALID", "the earlier link stops working");
          assert.equal((await t.gql(LINK_INFO, { token: newToken })).data.linkInfo.state, "VALID");
        }
        assert.equal(mailsTo(smtp, outside).length, 0, "outside the range: untouched");
        assert.equal(mailsTo(smtp, cancelled).length, 1, "cancelled: not resent");
      });

      test("a partner may not call it; a range that ends before it starts is BAD_USER_INPUT", async () => {
        const tenant = await hrTenant(t);
        const partner = (await t.gql(`mutation { createApiKey(input: { name: "Payroll", roles: [PARTNER] }) { apiKey } }`, {}, tenant.key)).data.createApiKey.apiKey;
        const filter = { statuses: ["SENT"] };
        assert.equal(errorCode(await t.gql(RESEND_MANY, { filter }, partner)), "FORBIDDEN");
        const backwards = await t.gql(RESEND_MANY, { filter: { statuses: ["SENT"], startDateFrom: "2026-05-02", startDateTo: "2026-05-01" } }, tenant.key);
        assert.equal(errorCode(backwards), "BAD_USER_INPUT");
      });

      test("resendInvitations and cancelEmployment at the same moment: the employment ends cancelled with no valid link, as one after the other", async () => {
        const tenant = await sandboxTenant(t, T0);
        const problems: string[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const email = address("race-bulk");
          const hire = await register(t, tenant, { email, startDate: "2026-03-26" }); // a sandbox sends it in the request
          const resend = () => t.gql(RESEND_MANY, { filter: { statuses: ["SENT"] } }, tenant.key);
          const cancel = () => t.gql(CANCEL, { id: hire.employment.id }, tenant.key);
          const [resent, cancelled] = round % 2 ? await Promise.all([resend(), cancel()]) : (await Promise.all([cancel(), resend()])).reverse();
          if (resent.errors || cancelled.errors) { problems.push(`round ${round}: ${JSON.stringify(resent.errors ?? cancelled.errors)}`); continue; }
          const seen = await employment(tenant, hire.employment.id);
          if (seen.connectStatus !== "CANCELLED") problems.push(`round ${round}: the employment is ${seen.connectStatus}`);
          for (const link of smtp.linksTo(email)) {
            const state = (await t.gql(LINK_INFO, { token: new URL(link).searchParams.get("token") })).data.linkInfo.state;
            if (state === "VALID") problems.push(`round ${round}: a link is VALID after the cancel`);
          }
        }
        assert.deepEqual(problems, []);
      });

      test("a few thousand matches in one request: each resent exactly once, through the burst", async () => {
        const tenant = await hrTenant(t);
        const n = Number(process.env.BULK_RESEND_HIRES ?? 2000); // 10 000 (the most importHires takes at once) to see the limit hold
        const rows = Array.from({ length: n }, (_, i) => ({ firstName: "Bulk", lastName: `No${i}`, email: `many-${i}.${tenant.id.slice(0, 8)}@example.org`, startDate: localDate(30), employmentTemplateId: tenant.templateId }));
        const imported = await t.gql(IMPORT, { rows }, tenant.key);
        assert.equal(imported.data.importHires.created, n);
        const before = smtp.received.length;
        const started = Date.now();
        const run = await t.gql(RESEND_IDS, { filter: { statuses: ["SCHEDULED"] } }, tenant.key);
        assert.equal(run.errors, undefined, JSON.stringify(run.errors));
        assert.equal(run.data.resendInvitations.count, n);
        console.log(`# resendInvitations of ${n} answered in ${Date.now() - started} ms`);
        assert.equal(new Set(run.data.resendInvitations.employments.map((m: any) => m.id)).size, n);
        await until("every match was mailed", () => smtp.received.length >= before + n, Math.max(120_000, n * 60));
        await until("every match is SENT", async () => (await t.gql(COUNT, { status: "SENT" }, tenant.key)).data.invitations.totalCount === n, Math.max(60_000, n * 10));
        const perAddress = new Map<string, number>();
        for (const mail of smtp.received.slice(before)) for (const to of mail.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
        assert.equal(perAddress.size, n);
        assert.ok([...perAddress.values()].every((count) => count === 1), "no address mailed twice");
        assert.equal((await t.gql(COUNT, { status: "SCHEDULED" }, tenant.key)).data.invitations.totalCount, 0, "the replaced plans are never sent");
      });
    });
  });
}
