import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { DateTime } from "luxon";
import { linkExpiresAt } from "../../src/domain/invitation-policy.js";
import { startOn, type Environment, type TestApp } from "../support/app.js";
import { statementsDuring } from "../support/statements.js";
import { ACCOUNT_STATUS, ADVANCE, EMPLOYMENT, address, advance, hrTenant, register, sandboxTenant, type HrTenant } from "../support/hires.js";
import {
  CANCEL,
  CHANGE_EMAIL,
  CHANGE_START,
  EMPLOYMENT_STATE,
  RESEND,
  ROUNDS,
  VERIFY,
  answerProblem,
  assertNoRoundBroken,
  atOnce,
  brokenRounds,
  confirmByForm,
  gqlWithin,
  linkStates,
  settledStatus,
  tokensMailedTo,
  until,
  utcDate,
} from "../support/races.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

/** The sandbox clocks start at the SPEC's "now": Wednesday 2026-03-25 14:00 Europe/Stockholm. */
const T0 = "2026-03-25T13:00:00Z";
/** Tomorrow on that clock: sent at once (R3). */
const TOMORROW = "2026-03-26";
/** Far enough to be sent later: 09:00 local on 2026-04-19 (07:00Z). */
const FAR_START = "2026-04-20";
const FAR_SEND_AT = "2026-04-19T07:00:00.000Z";

/** The lease test's timing (see there): the sweep may come SWEEP_LAG late, and every bound holds with SPARE to spare. */
const [SWEEP_LAG, SPARE] = [3000, 1000];
const LEASE = SWEEP_LAG + 3 * SPARE;
const HOLD_FIRST = LEASE + SWEEP_LAG + SPARE;
const HOLD_SECOND = LEASE - SPARE;


const IMPORT = `mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created unchanged failed employments { id } } }`;
const INVITATION_COUNT = `query($status: InvitationStatus) { invitations(first: 1, status: $status) { totalCount } }`;


/** The problems among answerProblem's verdicts. */
const some = (...problems: (string | null)[]) => problems.filter((p): p is string => p !== null);

/**
 * R8's promise under concurrency: changes that arrive at the same moment end as if they had run one
 * after the other. Each race is fired at once (Promise.all; which request leaves first alternates)
 * through the HTTP endpoint, ROUNDS times on a fresh hire, with a real SMTP server; the assertions
 * are the end states a client sees, and a failure says in how many rounds the rule broke.
 */
export function racesSuite(label: string, environment: Environment): void {
  describe(`concurrent changes on ${label}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let stop: () => Promise<void>;

    before(async () => {
      smtp = await startTestSmtp();
      // a short lease and a sweep every second, for the lease test; the other tests' sends take milliseconds
      ({ t, stop } = await startOn(environment, smtp, { sendLeaseMs: LEASE, jobTuning: { sweepInterval: "1 second" } }));
    });
    after(async () => {
      await stop?.();
      await smtp?.close();
    });

    /**
     * What a client must see of a hire whose cancellation raced something else: once its sends have
     * settled the employment is CANCELLED, no link mailed to any of `emails` is VALID, confirming each
     * of them (the page's form) connects nothing, and the hire is not CONNECTED.
     */
    async function cancelledForGood(tenant: HrTenant, hire: { employee: any; employment: any }, emails: string[]): Promise<string[]> {
      const problems: string[] = [];
      await settledStatus(t, tenant, hire.employee.id);
      const employment = (await t.gql(EMPLOYMENT_STATE, { id: hire.employment.id }, tenant.key)).data.employment;
      if (employment.status !== "CANCELLED") problems.push(`the employment is ${employment.status}`);
      for (const email of emails) {
        const tokens = tokensMailedTo(smtp, email);
        const states = await linkStates(t, tokens);
        if (states.includes("VALID")) problems.push(`links mailed to ${email}: ${states.join(", ")}`);
        for (const token of tokens) {
          const confirmed = await confirmByForm(t, token);
          if (confirmed.status >= 500 || confirmed.outcome === "CONNECTED") problems.push(`POST /verify answered ${confirmed.status} ${confirmed.outcome}`);
        }
      }
      const status = (await t.gql(ACCOUNT_STATUS, { id: hire.employee.id }, tenant.key)).data.accountStatus;
      if (status.connectStatus === "CONNECTED") problems.push("the cancelled hire got an account");
      return problems;
    }

    test("R8: cancelEmployment racing resendInvitation → CANCELLED, no mailed link VALID, none connects", async () => {
      const tenant = await sandboxTenant(t, T0);
      const broken = await brokenRounds(ROUNDS, async (i) => {
        const email = address(`cancel-resend${i}`);
        const hire = await register(t, tenant, { email, startDate: TOMORROW });
        const [cancelled, resent] = await atOnce(
          i,
          () => t.gql(CANCEL, { id: hire.employment.id }, tenant.key),
          () => t.gql(RESEND, { id: hire.employment.id }, tenant.key),
        );
        return [
          ...some(answerProblem("cancelEmployment", cancelled, []), answerProblem("resendInvitation", resent, ["CONFLICT"])),
          ...(await cancelledForGood(tenant, hire, [email])),
        ];
      });
      assertNoRoundBroken(broken, ROUNDS);
    });

    test("R8: cancelEmployment racing changeEmail after sending → CANCELLED, no link to either address VALID, none connects", async () => {
      const tenant = await sandboxTenant(t, T0);
      const broken = await brokenRounds(ROUNDS, async (i) => {
        const [first, second] = [address(`cancel-email-old${i}`), address(`cancel-email-new${i}`)];
        const hire = await register(t, tenant, { email: first, startDate: TOMORROW });
        const [cancelled, changed] = await atOnce(
          i,
          () => t.gql(CANCEL, { id: hire.employment.id }, tenant.key),
          () => t.gql(CHANGE_EMAIL, { id: hire.employee.id, e: second }, tenant.key),
        );
        return [
          ...some(answerProblem("cancelEmployment", cancelled, []), answerProblem("changeEmail", changed, ["CONFLICT"])),
          ...(await cancelledForGood(tenant, hire, [first, second])),
        ];
      });
      assertNoRoundBroken(broken, ROUNDS);
    });

    test("R8: cancelEmployment racing changeStartDate to tomorrow → CANCELLED, no link VALID, and nothing is mailed later either", async () => {
      const tenant = await sandboxTenant(t, T0);
      const hires: { email: string; mails: number }[] = [];
      const broken = await brokenRounds(ROUNDS, async (i) => {
        const email = address(`cancel-move${i}`);
        const hire = await register(t, tenant, { email, startDate: FAR_START });
        assert.equal(hire.employment.invitation.sendAt, FAR_SEND_AT, "planned for 09:00 on the day before the start");
        const [cancelled, moved] = await atOnce(
          i,
          () => t.gql(CANCEL, { id: hire.employment.id }, tenant.key),
          () => t.gql(CHANGE_START, { id: hire.employment.id, d: TOMORROW }, tenant.key),
        );
        const problems = [
          ...some(answerProblem("cancelEmployment", cancelled, []), answerProblem("changeStartDate", moved, ["CONFLICT"])),
          ...(await cancelledForGood(tenant, hire, [email])),
        ];
        hires.push({ email, mails: tokensMailedTo(smtp, email).length });
        return problems;
      });
      // past the 09:00 the far start date planned: a cancelled employment gets nothing then either
      await advance(t, tenant, "2026-04-19T08:00:00Z");
      for (const [i, { email, mails }] of hires.entries()) {
        const now = tokensMailedTo(smtp, email).length;
        if (now !== mails) broken.push(`round ${i + 1}: ${now - mails} more mail(s) after the clock passed the planned 09:00`);
      }
      assertNoRoundBroken(broken, ROUNDS);
    });

    test("R8: two resendInvitation at once → exactly one VALID link among all mailed to the hire", async () => {
      const tenant = await sandboxTenant(t, T0);
      const broken = await brokenRounds(ROUNDS, async (i) => {
        const email = address(`resend-twice${i}`);
        const hire = await register(t, tenant, { email, startDate: TOMORROW });
        const answers = await Promise.all([1, 2].map(() => t.gql(RESEND, { id: hire.employment.id }, tenant.key)));
        const problems = some(...answers.map((a) => answerProblem("resendInvitation", a, ["CONFLICT"])));
        const resent = answers.filter((a) => a.data?.resendInvitation).length;
        if (resent === 0) problems.push("neither resend went through");
        const status = await settledStatus(t, tenant, hire.employee.id);
        const tokens = tokensMailedTo(smtp, email);
        const states = await linkStates(t, tokens);
        if (states.filter((s) => s === "VALID").length !== 1) problems.push(`links: ${states.join(", ")}`);
        if (tokens.length < 2 || tokens.length > 1 + resent) problems.push(`${tokens.length} mails after ${resent} successful resend(s)`);
        if (status.connectStatus !== "INVITATION_SENT") problems.push(`connectStatus ${status.connectStatus}`);
        return problems;
      });
      assertNoRoundBroken(broken, ROUNDS);
    });

    // Sequentially, verify→cancel leaves an account (an account that exists stays) and cancel→verify
    // refuses the link. What may never be seen: an account created after the cancellation. A live
    // tenant, so that each event carries the instant it really happened. The cancel leaves 0–2 ms
    // after the verification, so that either may reach the database first; the window in which the
    // two can be recorded out of order is a fraction of a millisecond, hence more rounds (they are quick).
    test("R8: verification racing cancelEmployment → either verified then cancelled (in that order), or refused with no account", async () => {
      const tenant = await hrTenant(t);
      const rounds = 3 * ROUNDS;
      const broken = await brokenRounds(rounds, async (i) => {
        const email = address(`verify-cancel${i}`);
        const hire = await register(t, tenant, { email, startDate: utcDate(-2) }); // started two days ago: sent now
        // sent at once — by the request, or by a sweep (every second in this suite) that claimed it first
        await settledStatus(t, tenant, hire.employee.id);
        const token = tokensMailedTo(smtp, email)[0];
        if (!token) return ["no link was mailed"];
        const byForm = i % 2 === 0; // half the rounds through the page's form, half through the mutation
        const [confirmed, cancelled] = await atOnce(
          i >> 1,
          () => (byForm ? confirmByForm(t, token) : t.gql(VERIFY, { token }).then((r) => ({ status: r.status, outcome: r.data?.verifyInvitation ? "CONNECTED" : String(r.errors?.[0]?.extensions?.code) }))),
          async () => (await delay(i % 3), t.gql(CANCEL, { id: hire.employment.id }, tenant.key)),
        );
        const problems = some(answerProblem("cancelEmployment", cancelled, []));
        const verified = confirmed.outcome === "CONNECTED";
        if (!verified && !confirmed.outcome.startsWith("LINK_")) problems.push(`the verification answered ${confirmed.status} ${confirmed.outcome}`);
        const employment = (await t.gql(EMPLOYMENT_STATE, { id: hire.employment.id }, tenant.key)).data.employment;
        const kinds: string[] = employment.history.map((e: { kind: string }) => e.kind);
        const [state] = await linkStates(t, [token]);
        if (employment.status !== "CANCELLED") problems.push(`the employment is ${employment.status}`);
        if (verified) {
          if (employment.connectStatus !== "CONNECTED") problems.push(`verified, yet ${employment.connectStatus}`);
          if (!(kinds.indexOf("CONNECTED") >= 0 && kinds.indexOf("CONNECTED") < kinds.indexOf("CANCELLED"))) problems.push(`verified, history ${kinds.join(" ")}`);
          if (state !== "USED") problems.push(`verified, link ${state}`);
        } else {
          if (employment.connectStatus !== "CANCELLED") problems.push(`refused (${confirmed.outcome}), yet ${employment.connectStatus}`);
          if (kinds.includes("VERIFIED") || kinds.includes("CONNECTED")) problems.push(`refused, history ${kinds.join(" ")}`);
          if (state === "VALID") problems.push("refused, link VALID");
        }
        return problems;
      });
      assertNoRoundBroken(broken, rounds);
    });

    test("R8: two importHires at once with the same externalIds → each hire created once, the rest unchanged, one mail each", async () => {
      const tenant = await sandboxTenant(t, T0);
      const broken = await brokenRounds(ROUNDS, async (i) => {
        const rows = Array.from({ length: 15 }, (_, k) => ({
          firstName: "Anna",
          lastName: "Berg",
          email: address(`import${i}-${k}`),
          startDate: TOMORROW,
          employmentTemplateId: tenant.templateId,
          externalId: `race-${i}-${k}`,
        }));
        const answers = await Promise.all([1, 2].map(() => t.gql(IMPORT, { rows }, tenant.key)));
        const problems = some(...answers.map((a) => answerProblem("importHires", a, ["CONFLICT"])));
        const reports = answers.map((a) => a.data?.importHires).filter(Boolean);
        const created = reports.reduce((sum, r) => sum + r.created, 0);
        const unchanged = reports.reduce((sum, r) => sum + r.unchanged, 0);
        if (created !== rows.length || unchanged !== rows.length * (reports.length - 1)) problems.push(`created ${reports.map((r) => r.created).join(" + ")}, unchanged ${reports.map((r) => r.unchanged).join(" + ")}`);
        if (reports.length === 2 && reports[0].employments.some((e: { id: string }, k: number) => e.id !== reports[1].employments[k]?.id)) problems.push("the reports name different employments for the same row");
        await until("no invitation of the tenant still SCHEDULED", async () => {
          const scheduled = (await t.gql(INVITATION_COUNT, { status: "SCHEDULED" }, tenant.key)).data.invitations.totalCount;
          return { done: scheduled === 0, seen: scheduled };
        }, 10_000);
        const mails = rows.map((row) => tokensMailedTo(smtp, row.email).length);
        if (mails.some((n) => n !== 1)) problems.push(`mails per hire: ${mails.join(" ")}`);
        return problems;
      });
      assertNoRoundBroken(broken, ROUNDS);
    });

    // A send whose worker held it past its lease is retried by the sweep; the first attempt may still
    // finish afterwards. The SMTP holds fix the order of events, whatever the machine's speed:
    //   t=0        attempt 1 claims (lease LEASE) and its mail is held HOLD_FIRST at the SMTP server
    //   LEASE<ts≤LEASE+SWEEP_LAG  a sweep (every second) reclaims it, attempt 2 claims it anew, mail held HOLD_SECOND
    //   HOLD_FIRST  attempt 1's mail is accepted: it finishes late (HOLD_FIRST > LEASE + SWEEP_LAG)
    //   ts+HOLD_SECOND  attempt 2's mail is accepted, after the first (HOLD_SECOND > HOLD_FIRST − LEASE)
    //              and within attempt 2's own lease (HOLD_SECOND < LEASE), so no third attempt starts.
    // Each bound holds with SPARE to spare, the sweep allowed SWEEP_LAG to come by (it runs every second,
    // a busy machine delays it). One round: the outcome is fixed by the holds, not by chance.
    // The hire's newest mail must carry the link that works.
    test("a send whose lease ran out does not overwrite the claim of the attempt that replaced it: the newest mailed link is VALID", async () => {
      const tenant = await hrTenant(t); // live: the sweep and the leases run on real time
      const broken = await brokenRounds(1, async () => {
        const email = address("lease");
        smtp.holdNext(HOLD_FIRST);
        smtp.holdNext(HOLD_SECOND);
        const registered = await t.gql(`mutation($input: RegisterHireInput!) { registerHire(input: $input) { employee { id } } }`, {
          input: { firstName: "Anna", lastName: "Berg", email, startDate: utcDate(-2), employmentTemplateId: tenant.templateId },
        }, tenant.key);
        const problems = some(answerProblem("registerHire", registered, []));
        await until("both attempts' mails reach the hire", async () => {
          const mails = tokensMailedTo(smtp, email).length;
          return { done: mails >= 2, seen: `${mails} mail(s)` };
        }, LEASE + SWEEP_LAG + HOLD_SECOND + 5000); // from the first mail's arrival, when registerHire answered
        const tokens = tokensMailedTo(smtp, email);
        if (tokens.length !== 2) return [...problems, `${tokens.length} mails`];
        await until("the newest mailed link works", async () => {
          const states = await linkStates(t, tokens);
          return { done: states[1] === "VALID", seen: states };
        }, 5000).catch((error: Error) => problems.push(error.message));
        const states = await linkStates(t, tokens);
        if (states[0] !== "INVALID") problems.push(`the older link is ${states[0]}`);
        const status = await settledStatus(t, tenant, registered.data.registerHire.employee.id);
        if (status.connectStatus !== "INVITATION_SENT") problems.push(`connectStatus ${status.connectStatus}`);
        return problems;
      });
      assertNoRoundBroken(broken, 1);
    });

    // Last: on the current code a round leaves the server busy for a minute.
    test("R8: two advanceTestClock at once → the clock ends at the later instant, and every hire due was sent once, at its 09:00", async () => {
      // start dates 2026-03-27 … 04-04: sent at 09:00 local on 03-26 … 04-03, two hires a day
      const starts = Array.from({ length: 9 }, (_, d) => new Date(Date.UTC(2026, 2, 27 + d)).toISOString().slice(0, 10));
      const [sooner, later] = ["2026-03-28T12:00:00.000Z", "2026-04-04T13:00:00.000Z"];
      const ANSWER_MS = 5000;
      const broken = await brokenRounds(ROUNDS, async (i) => {
        const tenant = await sandboxTenant(t, T0);
        const hires = await Promise.all(
          starts.flatMap((startDate, d) => [0, 1].map(async (k) => {
            const email = address(`clock${i}-${d}-${k}`);
            return { email, ...(await register(t, tenant, { email, startDate })) };
          })),
        );
        // normally both answer within a second; one that has not after ANSWER_MS will not soon either
        // (on the current code: a loop of 10 000 steps, about a minute)
        const [a, b] = await atOnce(
          i,
          () => gqlWithin(t, ANSWER_MS, ADVANCE, { to: sooner }, tenant.key),
          () => gqlWithin(t, ANSWER_MS, ADVANCE, { to: later }, tenant.key),
        );
        // in the order later→sooner, the sooner one is refused: a test clock only moves forward
        const problems = some(answerProblem(`advanceTestClock(${sooner})`, a, ["BAD_USER_INPUT", "CONFLICT"]), answerProblem(`advanceTestClock(${later})`, b, []));
        const clockNow = (await t.gql(`{ tenant { clockNow } }`, {}, tenant.key)).data.tenant.clockNow;
        if (clockNow !== later) problems.push(`clockNow ${clockNow}`);
        for (const hire of hires) {
          const { invitation } = (await t.gql(EMPLOYMENT, { id: hire.employment.id }, tenant.key)).data.employment;
          const mails = tokensMailedTo(smtp, hire.email).length;
          if (!["SENT", "EXPIRED"].includes(invitation.status)) problems.push(`start ${hire.employment.startDate}: ${invitation.status}`);
          else if (invitation.sentAt !== invitation.sendAt) problems.push(`start ${hire.employment.startDate}: due ${invitation.sendAt}, sent ${invitation.sentAt}`);
          if (mails !== 1) problems.push(`start ${hire.employment.startDate}: ${mails} mails`);
        }
        return problems;
      });
      assertNoRoundBroken(broken, ROUNDS);
    });
  });
}

/**
 * advanceTestClock answers only when everything due up to `to` has run, however much that is. Slow on
 * the current code (one send or expiry at a time): about 65 s on MariaDB, 150 s on the embedded
 * database, so it has an entry file of its own.
 */
export function testClockStepsSuite(label: string, environment: Environment): void {
  describe(`advanceTestClock over many due steps on ${label}`, () => {
    // 4 950 links sent on 03-26 and expired on 03-30, then 200 sends on 04-02: 10 100 sends and
    // expiries in time order, more than one request ran before (10 000).
    test("one advanceTestClock over more due sends and expiries than a fixed step limit has run them all when it answers", async () => {
      const smtp = await startTestSmtp();
      const { t, stop } = await startOn(environment, smtp);
      try {
        const tenant = await sandboxTenant(t, T0);
        const prefix = `steps-${randomBytes(3).toString("hex")}`;
        const row = (k: number, startDate: string) => ({ firstName: "Anna", lastName: "Berg", email: `${prefix}-${k}@example.org`, startDate, employmentTemplateId: tenant.templateId });
        const rows = [...Array.from({ length: 4950 }, (_, k) => row(k, "2026-03-27")), ...Array.from({ length: 200 }, (_, k) => row(4950 + k, "2026-04-03"))];
        const imported = await t.gql(IMPORT, { rows }, tenant.key);
        assert.equal(imported.data?.importHires.created, rows.length, JSON.stringify(imported.errors));

        const advanced = await t.gql(ADVANCE, { to: "2026-04-02T12:00:00Z" }, tenant.key);
        assert.equal(advanced.data?.advanceTestClock.clockNow, "2026-04-02T12:00:00.000Z", JSON.stringify(advanced.errors));
        const count = async (status: string) => (await t.gql(INVITATION_COUNT, { status }, tenant.key)).data.invitations.totalCount;
        assert.deepEqual(
          { SCHEDULED: await count("SCHEDULED"), SENT: await count("SENT"), EXPIRED: await count("EXPIRED") },
          { SCHEDULED: 0, SENT: 200, EXPIRED: 4950 },
          "everything due by `to` has run when advanceTestClock answers",
        );
        const mailed = smtp.received.filter((m) => m.to.some((to) => to.startsWith(prefix)));
        assert.equal(new Set(mailed.flatMap((m) => m.to)).size, rows.length, "every hire got its mail");
        assert.equal(mailed.length, rows.length, "and only one");
      } finally {
        await stop();
        await smtp.close();
      }
    });

    // An outside tester's hires start over months: an advance then runs hundreds of instants with a
    // send or an expiry each, and what each instant costs beyond its own work decides the answer's time.
    test("one advanceTestClock over hires starting on 40 different days sends and expires each at its own instant, in a few statements an instant", async () => {
      const smtp = await startTestSmtp();
      const { t, stop } = await startOn(environment, smtp);
      try {
        const tenant = await sandboxTenant(t, T0);
        const prefix = `days-${randomBytes(3).toString("hex")}`;
        const days = 40;
        const startDate = (k: number) => new Date(Date.parse(T0) + (2 + k) * 86_400_000).toISOString().slice(0, 10);
        const rows = Array.from({ length: days }, (_, k) => ({ firstName: "Anna", lastName: "Berg", email: `${prefix}-${k}@example.org`, startDate: startDate(k), employmentTemplateId: tenant.templateId }));
        const imported = await t.gql(IMPORT, { rows }, tenant.key);
        assert.equal(imported.data?.importHires.created, days, JSON.stringify(imported.errors));

        const statements = await statementsDuring(t, async () => {
          const advanced = await t.gql(ADVANCE, { to: new Date(Date.parse(T0) + (days + 10) * 86_400_000).toISOString() }, tenant.key);
          assert.ok(advanced.data, JSON.stringify(advanced.errors));
        });
        const mailed = smtp.received.filter((m) => m.to.some((to) => to.startsWith(prefix)));
        assert.equal(mailed.length, days, "every hire got its mail, once");
        for (const [k, { id }] of (imported.data.importHires.employments as { id: string }[]).entries()) {
          const history = (await t.gql(`query($id: ID!) { employment(id: $id) { history { kind at } } }`, { id }, tenant.key)).data.employment.history as { kind: string; at: string }[];
          const sendAt = DateTime.fromISO(startDate(k), { zone: "Europe/Stockholm" }).minus({ days: 1 }).set({ hour: 9 }).toJSDate();
          assert.deepEqual(
            history.filter((h) => h.kind === "SENT" || h.kind === "EXPIRED"),
            [
              { kind: "SENT", at: sendAt.toISOString() },
              { kind: "EXPIRED", at: linkExpiresAt(sendAt, "Europe/Stockholm").toISOString() },
            ],
            `hire ${k}: sent at 09:00 the day before the start, expired when the link stopped working`,
          );
        }
        // 80 instants: a send or an expiry each (its claim, the hire's name, its UPDATE and event), the
        // question what is due next and the clock's move; before, every instant also asked for each
        // kind of work that was not due, and renewed the hold on its own (13 an instant)
        assert.ok(statements.length <= 2 * days * 8, `${statements.length} statements for ${2 * days} instants`);
      } finally {
        await stop();
        await smtp.close();
      }
    });
  });
}
