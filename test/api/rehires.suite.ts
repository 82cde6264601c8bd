import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DateTime } from "luxon";
import { Clock } from "../../src/services/clock.js";
import { errorCode, startOn, type Environment, type TestApp } from "../support/app.js";
import { address, hrTenant, mailsTo, register, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

const RESEND_MANY = `mutation($filter: ResendFilter!, $dryRun: Boolean) {
  resendInvitations(filter: $filter, dryRun: $dryRun) { count skipped dryRun employments { id invitation { id status } } } }`;
const EMPLOYMENT_STATE = `query($id: ID!) { employment(id: $id) { id connectStatus invitation { id email status sentAt } history { kind detail actor } } }`;
const LINK_INFO = `query($token: String!) { linkInfo(token: $token) { state } }`;
const CANCEL = `mutation($id: ID!) { cancelEmployment(employmentId: $id) { status } }`;
const IMPORT = `mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created failed employments { id } } }`;
const RESEND_IDS = `mutation($filter: ResendFilter!) { resendInvitations(filter: $filter) { count employments { id } } }`;
const COUNT = `query($status: InvitationStatus) { invitations(first: 1, status: $status) { totalCount } }`;

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
  describe(`rehires and bulk resend on ${label}`, () => {
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

    describe("resendInvitations (R10)", () => {
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

      test("a few thousand matches in one request: each resent exactly once, through the burst", async () => {
        const tenant = await hrTenant(t);
        const n = 2000;
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
        await until("every match was mailed", () => smtp.received.length >= before + n, 120_000);
        await until("every match is SENT", async () => (await t.gql(COUNT, { status: "SENT" }, tenant.key)).data.invitations.totalCount === n, 60_000);
        const perAddress = new Map<string, number>();
        for (const mail of smtp.received.slice(before)) for (const to of mail.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
        assert.equal(perAddress.size, n);
        assert.ok([...perAddress.values()].every((count) => count === 1), "no address mailed twice");
        assert.equal((await t.gql(COUNT, { status: "SCHEDULED" }, tenant.key)).data.invitations.totalCount, 0, "the replaced plans are never sent");
      });
    });
  });
}
