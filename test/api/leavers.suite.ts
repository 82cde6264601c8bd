import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { Employment } from "../../src/entities/index.js";
import { Clock } from "../../src/services/clock.js";
import { errorCode, startOn, type Environment, type TestApp } from "../support/app.js";
import { ACCOUNT_STATUS, ADVANCE, address, advance, hrTenant, register, sandboxTenant, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { ROUNDS, answerProblem, assertNoRoundBroken, atOnce, brokenRounds } from "../support/races.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

/** Friday 2026-03-20 11:00 Europe/Stockholm (CET, +01:00); summer time starts Sunday 2026-03-29 at 02:00. */
const T0 = "2026-03-20T10:00:00Z";
const END = `mutation($id: ID!, $d: LocalDate) { endEmployment(employmentId: $id, endDate: $d) { id endDate disconnectAt connectStatus } }`;
const EMPLOYMENT = `query($id: ID!) { employment(id: $id) { id status endDate disconnectAt connectStatus history { kind at actor detail } } }`;
const SETTINGS = `mutation($n: Int) { setTenantSettings(input: { disconnectAfterDays: $n }) { disconnectAfterDays } }`;
const CANCEL = `mutation($id: ID!) { cancelEmployment(employmentId: $id) { status } }`;

type Hire = { employeeId: string; employmentId: string; email: string };
/** The problems among answerProblem's verdicts. */
const some = (...problems: (string | null)[]) => problems.filter((p): p is string => p !== null);

/**
 * R9, leavers: through the HTTP endpoint on a real database and job store. Sandbox tenants move
 * time with advanceTestClock; a live tenant's removal is a job at disconnectAt with the sweep behind it.
 */
export function leaversSuite(label: string, environment: Environment): void {
  describe(`leavers (R9) on ${label}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let stop: () => Promise<void>;
    const clock = new Clock();

    before(async () => {
      smtp = await startTestSmtp();
      ({ t, stop } = await startOn(environment, smtp, { clock }));
    });
    after(async () => {
      await stop?.();
      await smtp?.close();
    });

    /** A sandbox tenant whose addresses in acme.se are connected at once (R7: a sandbox's domains need no proof). */
    const leaverTenant = async (clockStart = T0): Promise<HrTenant> => {
      const tenant = await sandboxTenant(t, clockStart);
      const added = await t.gql(`mutation { addVerifiedDomain(domain: "acme.se") { verifiedDomains } }`, {}, tenant.key);
      assert.deepEqual(added.data?.addVerifiedDomain.verifiedDomains, ["acme.se"], JSON.stringify(added.errors));
      return tenant;
    };
    const connectedHire = async (tenant: HrTenant, input: Record<string, unknown> = {}, key = tenant.key): Promise<Hire> => {
      const email = address("leaver", "acme.se");
      const answer = await t.gql(
        `mutation($input: RegisterHireInput!) { registerHire(input: $input) { employee { id } employment { id connectStatus } } }`,
        { input: { firstName: "Anna", lastName: "Berg", email, startDate: "2026-03-02", employmentTemplateId: tenant.templateId, ...input } },
        key,
      );
      if (!answer.data) throw new Error(`registerHire failed: ${JSON.stringify(answer.errors)}`);
      assert.equal(answer.data.registerHire.employment.connectStatus, "CONNECTED");
      return { employeeId: answer.data.registerHire.employee.id, employmentId: answer.data.registerHire.employment.id, email };
    };
    const end = async (tenant: HrTenant, hire: Hire, endDate: string | null, key = tenant.key) => {
      const answer = await t.gql(END, { id: hire.employmentId, d: endDate }, key);
      if (!answer.data) throw new Error(`endEmployment failed: ${JSON.stringify(answer.errors)}`);
      return answer.data.endEmployment;
    };
    const employment = async (tenant: HrTenant, id: string) => (await t.gql(EMPLOYMENT, { id }, tenant.key)).data.employment;
    const status = async (tenant: HrTenant, hire: Hire) => (await t.gql(ACCOUNT_STATUS, { id: hire.employeeId }, tenant.key)).data.accountStatus.connectStatus;
    type Event = { kind: string; at: string; actor: string; detail: string };
    const kinds = (seen: { history: Event[] }, kind: string) => seen.history.filter((e) => e.kind === kind);
    /** Until addEmployment (rehires) exists: a second active employment of the same employee, written as a registration would. */
    const secondEmployment = async (hire: Hire): Promise<string> => {
      const manager = t.app.dataSource.manager;
      const first = await manager.findOneByOrFail(Employment, { id: hire.employmentId });
      const id = randomUUID();
      await manager.insert(Employment, { ...first, id, currentInvitationId: null, endDate: null, disconnectAt: null, disconnectDoneAt: null, createdAt: new Date(first.createdAt.getTime() + 1) });
      return id;
    };

    test("the schema has endEmployment, Employment.endDate/disconnectAt and ConnectStatus.DISCONNECTED (contract next/lifecycle.graphql)", async () => {
      const names = async (type: string) => {
        const { data } = await t.gql(`query($n: String!) { __type(name: $n) { enumValues { name } fields { name args { name type { name kind } } } } }`, { n: type });
        return data.__type;
      };
      const mutation = (await names("Mutation")).fields.find((f: { name: string }) => f.name === "endEmployment");
      assert.deepEqual(mutation.args.map((a: { name: string }) => a.name).sort(), ["employmentId", "endDate"]);
      assert.ok((await names("Employment")).fields.some((f: { name: string }) => f.name === "endDate"));
      assert.ok((await names("Employment")).fields.some((f: { name: string }) => f.name === "disconnectAt"));
      assert.ok((await names("ConnectStatus")).enumValues.some((v: { name: string }) => v.name === "DISCONNECTED"));
      const input = await t.gql(`query { __type(name: "RegisterHireInput") { inputFields { name type { kind } } } }`);
      const endDate = input.data.__type.inputFields.find((f: { name: string }) => f.name === "endDate");
      assert.notEqual(endDate?.type.kind, "NON_NULL", "an optional input field: non-breaking");
    });

    test("end date 2026-03-24, N = 5 (the default), Europe/Stockholm: removed at 2026-03-30 00:00+02:00, across the DST change — not a moment before", async () => {
      const tenant = await leaverTenant();
      const hire = await connectedHire(tenant);
      const ended = await end(tenant, hire, "2026-03-24");
      assert.equal(ended.endDate, "2026-03-24");
      assert.equal(ended.disconnectAt, "2026-03-29T22:00:00.000Z");
      assert.equal(ended.connectStatus, "CONNECTED");
      await advance(t, tenant, "2026-03-29T21:59:59.999Z");
      assert.equal(await status(tenant, hire), "CONNECTED");
      await advance(t, tenant, "2026-03-29T22:00:00.000Z");
      assert.equal(await status(tenant, hire), "DISCONNECTED");
      const seen = await employment(tenant, hire.employmentId);
      assert.equal(seen.connectStatus, "DISCONNECTED");
      assert.equal(seen.disconnectAt, "2026-03-29T22:00:00.000Z", "disconnectAt says when it was removed");
      const [endedEvent] = kinds(seen, "ENDED");
      assert.match(endedEvent.detail, /^set 2026-03-24: the Connect link is removed at 2026-03-29T22:00:00.000Z$/);
      assert.equal(endedEvent.at, new Date(T0).toISOString());
      const removed = kinds(seen, "DISCONNECTED");
      assert.equal(removed.length, 1);
      assert.equal(removed[0].at, "2026-03-29T22:00:00.000Z");
      assert.equal(removed[0].actor, "system");
      assert.ok(!removed[0].detail.includes(hire.email), "the address is masked");
      await advance(t, tenant, "2026-04-10T00:00:00Z");
      assert.equal(kinds(await employment(tenant, hire.employmentId), "DISCONNECTED").length, 1, "removed once");
    });

    test("the user template's disconnectAfterDays overrides the tenant's: N = 0 → 00:00 the day after the end date", async () => {
      const tenant = await leaverTenant();
      const user = await t.gql(`mutation { createUserTemplate(input: { name: "Short", disconnectAfterDays: 0 }) { id disconnectAfterDays } }`, {}, tenant.key);
      const template = await t.gql(`mutation($u: ID) { createEmploymentTemplate(input: { name: "Seasonal", userTemplateId: $u }) { id } }`, { u: user.data.createUserTemplate.id }, tenant.key);
      await t.gql(SETTINGS, { n: 30 }, tenant.key); // the template's N still wins
      const hire = await connectedHire(tenant, { employmentTemplateId: template.data.createEmploymentTemplate.id });
      const ended = await end(tenant, hire, "2026-03-23");
      assert.equal(ended.disconnectAt, "2026-03-23T23:00:00.000Z"); // 2026-03-24 00:00+01:00
      await advance(t, tenant, "2026-03-23T23:00:00.000Z");
      assert.equal(await status(tenant, hire), "DISCONNECTED");
    });

    test("the tenant's disconnectAfterDays: N = 10; a new N re-plans the removals not yet due (not those whose template sets N)", async () => {
      const tenant = await leaverTenant();
      assert.equal((await t.gql(SETTINGS, { n: 10 }, tenant.key)).data.setTenantSettings.disconnectAfterDays, 10);
      const hire = await connectedHire(tenant);
      assert.equal((await end(tenant, hire, "2026-03-24")).disconnectAt, "2026-04-03T22:00:00.000Z"); // 2026-04-04 00:00+02:00
      const user = await t.gql(`mutation { createUserTemplate(input: { name: "Fixed", disconnectAfterDays: 3 }) { id } }`, {}, tenant.key);
      const template = await t.gql(`mutation($u: ID) { createEmploymentTemplate(input: { name: "Fixed", userTemplateId: $u }) { id } }`, { u: user.data.createUserTemplate.id }, tenant.key);
      const fixed = await connectedHire(tenant, { employmentTemplateId: template.data.createEmploymentTemplate.id });
      assert.equal((await end(tenant, fixed, "2026-03-24")).disconnectAt, "2026-03-27T23:00:00.000Z");

      await t.gql(SETTINGS, { n: 2 }, tenant.key);
      assert.equal((await employment(tenant, hire.employmentId)).disconnectAt, "2026-03-26T23:00:00.000Z", "re-planned: 2026-03-27 00:00+01:00");
      assert.equal((await employment(tenant, fixed.employmentId)).disconnectAt, "2026-03-27T23:00:00.000Z", "its template's N stands");
      await advance(t, tenant, "2026-03-26T23:00:00.000Z");
      assert.equal(await status(tenant, hire), "DISCONNECTED");
      assert.equal(await status(tenant, fixed), "CONNECTED");
      await advance(t, tenant, "2026-03-27T23:00:00.000Z");
      assert.equal(await status(tenant, fixed), "DISCONNECTED");
    });

    test("a settings change that makes a planned removal due now carries it out at once", async () => {
      const tenant = await leaverTenant("2026-03-27T10:00:00Z");
      const hire = await connectedHire(tenant);
      await end(tenant, hire, "2026-03-24"); // N = 5: 2026-03-30
      await t.gql(SETTINGS, { n: 1 }, tenant.key); // 2026-03-26 00:00: past
      const seen = await employment(tenant, hire.employmentId);
      assert.equal(seen.disconnectAt, "2026-03-25T23:00:00.000Z");
      assert.equal(seen.connectStatus, "DISCONNECTED");
    });

    test("withdrawing the end date (null) cancels the removal", async () => {
      const tenant = await leaverTenant();
      const hire = await connectedHire(tenant);
      await end(tenant, hire, "2026-03-24");
      const withdrawn = await end(tenant, hire, null);
      assert.equal(withdrawn.endDate, null);
      assert.equal(withdrawn.disconnectAt, null);
      await advance(t, tenant, "2026-05-01T00:00:00Z");
      const seen = await employment(tenant, hire.employmentId);
      assert.equal(seen.connectStatus, "CONNECTED");
      assert.deepEqual(kinds(seen, "ENDED").map((e) => e.detail), [
        "set 2026-03-24: the Connect link is removed at 2026-03-29T22:00:00.000Z",
        "withdrawn (was 2026-03-24): the Connect link is not removed",
      ]);
      assert.equal(kinds(seen, "DISCONNECTED").length, 0);
    });

    test("changing the end date before the removal re-plans it; the same date again changes nothing", async () => {
      const tenant = await leaverTenant();
      const hire = await connectedHire(tenant);
      await end(tenant, hire, "2026-03-24");
      const changed = await end(tenant, hire, "2026-04-10");
      assert.equal(changed.disconnectAt, "2026-04-15T22:00:00.000Z");
      await end(tenant, hire, "2026-04-10");
      await advance(t, tenant, "2026-04-15T21:00:00Z");
      assert.equal(await status(tenant, hire), "CONNECTED", "not removed at the first date's instant");
      await advance(t, tenant, "2026-04-16T00:00:00Z");
      const seen = await employment(tenant, hire.employmentId);
      assert.equal(seen.connectStatus, "DISCONNECTED");
      assert.deepEqual(kinds(seen, "ENDED").map((e) => e.detail), [
        "set 2026-03-24: the Connect link is removed at 2026-03-29T22:00:00.000Z",
        "changed 2026-03-24 → 2026-04-10: the Connect link is removed at 2026-04-15T22:00:00.000Z",
      ]);
      assert.equal(kinds(seen, "DISCONNECTED")[0].at, "2026-04-15T22:00:00.000Z");
    });

    test("once the link was removed the end date stands: another date or null is CONFLICT, the same date answers as it is", async () => {
      const tenant = await leaverTenant();
      const hire = await connectedHire(tenant);
      await end(tenant, hire, "2026-03-10"); // due 2026-03-16: already past, removed at once
      assert.equal(await status(tenant, hire), "DISCONNECTED");
      for (const other of ["2026-03-31", null]) {
        const refused = await t.gql(END, { id: hire.employmentId, d: other }, tenant.key);
        assert.equal(errorCode(refused), "CONFLICT");
        assert.match(refused.errors![0]!.message, /link was removed/);
      }
      const again = await end(tenant, hire, "2026-03-10");
      assert.equal(again.connectStatus, "DISCONNECTED");
      assert.equal(kinds(await employment(tenant, hire.employmentId), "ENDED").length, 1);
    });

    test("an employee with another active employment keeps the link; it goes when that one ends too", async () => {
      const tenant = await leaverTenant();
      const hire = await connectedHire(tenant);
      const other = await secondEmployment(hire);
      await end(tenant, hire, "2026-03-24");
      await advance(t, tenant, "2026-03-30T00:00:00Z");
      assert.equal(await status(tenant, hire), "CONNECTED", "the other employment needs it");
      assert.equal((await employment(tenant, hire.employmentId)).connectStatus, "CONNECTED");
      assert.equal(kinds(await employment(tenant, hire.employmentId), "DISCONNECTED").length, 0);
      await end(tenant, { ...hire, employmentId: other }, "2026-04-01");
      await advance(t, tenant, "2026-04-06T22:00:00.000Z");
      assert.equal(await status(tenant, hire), "DISCONNECTED");
      assert.equal(kinds(await employment(tenant, other), "DISCONNECTED").length, 1, "removed by the last one to end");
      assert.equal((await employment(tenant, hire.employmentId)).connectStatus, "DISCONNECTED", "the account is the employee's");
    });

    test("a hire connected by the mailed link is disconnected the same way", async () => {
      const tenant = await sandboxTenant(t, T0);
      const email = address("mailed");
      const hire = await register(t, tenant, { email, startDate: "2026-03-21" });
      const token = tokenMailedTo(smtp, email);
      const verified = await t.gql(`mutation($token: String!) { verifyInvitation(token: $token) { connectAccount { id } } }`, { token });
      assert.ok(verified.data, JSON.stringify(verified.errors));
      const ids = { employeeId: hire.employee.id, employmentId: hire.employment.id, email };
      await end(tenant, ids, "2026-03-21");
      await advance(t, tenant, "2026-03-26T23:00:00.000Z"); // 2026-03-27 00:00+01:00
      assert.equal(await status(tenant, ids), "DISCONNECTED");
      const resend = await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { id } }`, { id: ids.employmentId }, tenant.key);
      assert.equal(errorCode(resend), "CONFLICT", "no invitation for an account that exists");
    });

    test("an end date before the start date, or outside the supported dates, is BAD_USER_INPUT; nothing changes", async () => {
      const tenant = await leaverTenant();
      const hire = await connectedHire(tenant);
      const before = await t.gql(END, { id: hire.employmentId, d: "2026-03-01" }, tenant.key);
      assert.equal(errorCode(before), "BAD_USER_INPUT");
      assert.equal(before.errors![0]!.extensions!.field, "endDate");
      assert.match(before.errors![0]!.message, /before the start date 2026-03-02/);
      assert.equal(errorCode(await t.gql(END, { id: hire.employmentId, d: "9999-01-01" }, tenant.key)), "BAD_USER_INPUT");
      assert.equal(errorCode(await t.gql(END, { id: hire.employmentId, d: "2026-02-30" }, tenant.key)), "BAD_USER_INPUT");
      const seen = await employment(tenant, hire.employmentId);
      assert.equal(seen.endDate, null);
      assert.equal(kinds(seen, "ENDED").length, 0);
      // the same day as the start is a one-day employment
      assert.equal((await end(tenant, hire, "2026-03-02")).endDate, "2026-03-02");
      // and a start date after the end date is refused too
      const later = await t.gql(`mutation($id: ID!) { changeStartDate(employmentId: $id, startDate: "2026-03-05") { startDate } }`, { id: hire.employmentId }, tenant.key);
      assert.equal(errorCode(later), "BAD_USER_INPUT");
    });

    test("a cancelled employment has nothing to remove: CONFLICT", async () => {
      const tenant = await leaverTenant();
      const email = address("cancelled");
      const hire = await register(t, tenant, { email, startDate: "2026-05-04" });
      await t.gql(CANCEL, { id: hire.employment.id }, tenant.key);
      const refused = await t.gql(END, { id: hire.employment.id, d: "2026-06-01" }, tenant.key);
      assert.equal(errorCode(refused), "CONFLICT");
      assert.match(refused.errors![0]!.message, /cancelled: it has no Connect link to remove/);
      assert.equal((await employment(tenant, hire.employment.id)).endDate, null);
    });

    test("unknown ids are NOT_FOUND; a partner ends only its own hires (R12); a reviewer may not end any", async () => {
      const tenant = await leaverTenant();
      const newKey = async (name: string, roles: string) =>
        (await t.gql(`mutation($name: String!) { createApiKey(input: { name: $name, roles: [${roles}] }) { apiKey } }`, { name }, tenant.key)).data.createApiKey.apiKey as string;
      const payroll = await newKey("Payroll", "PARTNER");
      const recruiting = await newKey("Recruiting", "PARTNER");
      const reviewer = await newKey("Reviewer", "REVIEWER");
      const hrs = await connectedHire(tenant);
      const payrolls = await connectedHire(tenant, {}, payroll);
      assert.equal(errorCode(await t.gql(END, { id: randomUUID(), d: "2026-03-24" }, tenant.key)), "NOT_FOUND");
      assert.equal(errorCode(await t.gql(END, { id: hrs.employmentId, d: "2026-03-24" }, payroll)), "NOT_FOUND");
      assert.equal(errorCode(await t.gql(END, { id: payrolls.employmentId, d: "2026-03-24" }, recruiting)), "NOT_FOUND");
      assert.equal(errorCode(await t.gql(END, { id: hrs.employmentId, d: "2026-03-24" }, reviewer)), "FORBIDDEN");
      assert.equal((await employment(tenant, hrs.employmentId)).endDate, null);
      const ended = await end(tenant, payrolls, "2026-03-24", payroll);
      assert.equal(ended.disconnectAt, "2026-03-29T22:00:00.000Z");
      assert.equal((await employment(tenant, payrolls.employmentId)).history.find((e: { kind: string }) => e.kind === "ENDED").actor, "Payroll");
    });

    describe("an end date given at registration: as endEmployment right after (one path for GraphQL and CSV)", () => {
      const employmentOf = async (tenant: HrTenant, externalId: string) => {
        // the registration answers the first hire again for a known externalId
        const answer = await t.gql(
          `mutation($input: RegisterHireInput!) { registerHire(input: $input) { employee { id } employment { id endDate disconnectAt connectStatus } } }`,
          { input: { firstName: "X", lastName: "Y", startDate: "2026-03-02", employmentTemplateId: tenant.templateId, externalId } },
          tenant.key,
        );
        return answer.data.registerHire;
      };

      test("registerHire with endDate: planned as endEmployment plans it, ENDED in the history", async () => {
        const tenant = await leaverTenant();
        const hire = await connectedHire(tenant, { endDate: "2026-03-24" });
        const seen = await employment(tenant, hire.employmentId);
        assert.equal(seen.endDate, "2026-03-24");
        assert.equal(seen.disconnectAt, "2026-03-29T22:00:00.000Z");
        assert.deepEqual(seen.history.map((e: Event) => e.kind), ["REGISTERED", "CONNECTED", "ENDED"]);
        await advance(t, tenant, "2026-03-29T22:00:00.000Z");
        assert.equal(await status(tenant, hire), "DISCONNECTED");
        const before = await t.gql(
          `mutation($input: RegisterHireInput!) { registerHire(input: $input) { employee { id } } }`,
          { input: { firstName: "A", lastName: "B", startDate: "2026-04-01", endDate: "2026-03-31", employmentTemplateId: tenant.templateId } },
          tenant.key,
        );
        assert.equal(errorCode(before), "BAD_USER_INPUT");
        assert.equal(before.errors![0]!.extensions!.field, "endDate");
      });

      test("importHires and the CSV file: endDate per row; a row ending before it starts is that row's error; a past removal is done at once", async () => {
        const tenant = await leaverTenant();
        const rows = [
          { firstName: "A", lastName: "One", email: address("gql1", "acme.se"), startDate: "2026-03-02", endDate: "2026-03-24", employmentTemplateId: tenant.templateId, externalId: "G1" },
          { firstName: "A", lastName: "Two", email: address("gql2", "acme.se"), startDate: "2026-03-02", endDate: "2026-03-01", employmentTemplateId: tenant.templateId, externalId: "G2" },
        ];
        const report = await t.gql(
          `mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created failed errors { row field message } } }`,
          { rows },
          tenant.key,
        );
        assert.equal(report.data.importHires.created, 1);
        assert.deepEqual(report.data.importHires.errors.map((e: any) => [e.row, e.field]), [[2, "endDate"]]);
        assert.equal((await employmentOf(tenant, "G1")).employment.disconnectAt, "2026-03-29T22:00:00.000Z");

        const file = [
          "firstName,lastName,email,startDate,employmentTemplate,externalId,endDate",
          `Csv,Later,${address("csv1", "acme.se")},2026-03-02,Permanent,C1,2026-04-10`,
          `Csv,Past,${address("csv2", "acme.se")},2026-03-02,Permanent,C2,2026-03-05`,
          `Csv,Never,${address("csv3", "acme.se")},2026-03-02,Permanent,C3,`,
          `Csv,Bad,${address("csv4", "acme.se")},2026-03-10,Permanent,C4,2026-03-09`,
          `Csv,Junk,${address("csv5", "acme.se")},2026-03-10,Permanent,C5,tomorrow`,
        ].join("\n");
        const response = await fetch(`${t.url}/import/hires`, { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${tenant.key}` }, body: file });
        const body = (await response.json()) as { created: number; failed: number; errors: { row: number; field: string; message: string }[] };
        assert.equal(response.status, 200, JSON.stringify(body));
        assert.equal(body.created, 3);
        assert.deepEqual(body.errors.map((e) => [e.row, e.field]), [[4, "endDate"], [5, "endDate"]]);
        assert.match(body.errors[0]!.message, /before the start date 2026-03-10/);
        const later = await employmentOf(tenant, "C1");
        assert.equal(later.employment.disconnectAt, "2026-04-15T22:00:00.000Z");
        assert.equal(later.employment.connectStatus, "CONNECTED");
        const past = await employmentOf(tenant, "C2");
        assert.equal(past.employment.disconnectAt, "2026-03-10T23:00:00.000Z");
        assert.equal(past.employment.connectStatus, "DISCONNECTED", "its removal was due: done right after the import");
        assert.equal((await employmentOf(tenant, "C3")).employment.endDate, null);
        await advance(t, tenant, "2026-04-15T22:00:00.000Z");
        assert.equal((await employmentOf(tenant, "C1")).employment.connectStatus, "DISCONNECTED");
      });
    });

    describe(`races, ${ROUNDS} rounds each: an end-date change and the removal arrive together`, () => {
      /** Fires the change and an advance to the removal's instant at once; the end state must be one of the two orders. */
      const orders = { changeFirst: 0, removalFirst: 0 };
      const race = (change: string | null) => async (i: number): Promise<string[]> => {
        const tenant = await leaverTenant();
        const hire = await connectedHire(tenant);
        await end(tenant, hire, "2026-03-24"); // removal 2026-03-29T22:00Z
        const [changed, advanced] = await atOnce(
          i,
          // an advance has more to do before it reaches the removal: the change leaves up to ~40 ms later, so that both orders occur
          () => delay((i % 10) * 4).then(() => t.gql(END, { id: hire.employmentId, d: change }, tenant.key)),
          () => t.gql(ADVANCE, { to: "2026-03-29T22:00:00.000Z" }, tenant.key),
        );
        const problems = some(answerProblem("endEmployment", changed, ["CONFLICT"]), answerProblem("advanceTestClock", advanced, []));
        const seen = await employment(tenant, hire.employmentId);
        const removed = kinds(seen, "DISCONNECTED").length;
        const changes = kinds(seen, "ENDED").length - 1;
        orders[changed.errors ? "removalFirst" : "changeFirst"]++;
        if (changed.errors) {
          // the removal came first: the link is gone, the end date stands, no event of the refused change
          if (seen.connectStatus !== "DISCONNECTED" || removed !== 1 || changes !== 0 || seen.endDate !== "2026-03-24") {
            problems.push(`change refused but status ${seen.connectStatus}, ${removed} DISCONNECTED, ${changes} changes, end ${seen.endDate}`);
          }
        } else if (seen.connectStatus !== "CONNECTED" || removed !== 0 || changes !== 1 || seen.endDate !== change) {
          // the change came first: the removal was cancelled or moved past the advance
          problems.push(`change accepted but status ${seen.connectStatus}, ${removed} DISCONNECTED, ${changes} changes, end ${seen.endDate}`);
        }
        if (!changed.errors && change !== null) {
          await advance(t, tenant, "2026-04-16T00:00:00Z");
          const later = await employment(tenant, hire.employmentId);
          if (later.connectStatus !== "DISCONNECTED" || kinds(later, "DISCONNECTED").length !== 1) problems.push(`the moved removal: ${later.connectStatus}`);
        }
        return problems;
      };

      test("withdrawing the end date while the clock reaches the removal: withdrawn and kept, or removed and CONFLICT — never both, never twice", async (c) => {
        assertNoRoundBroken(await brokenRounds(ROUNDS, race(null)), ROUNDS);
        c.diagnostic(`orders seen so far: ${JSON.stringify(orders)}`);
      });

      test("moving the end date later while the clock reaches the removal: re-planned, or removed and CONFLICT", async (c) => {
        assertNoRoundBroken(await brokenRounds(ROUNDS, race("2026-04-10")), ROUNDS);
        c.diagnostic(`orders seen so far: ${JSON.stringify(orders)}`);
      });
    });

    describe("a live tenant (the job and the sweep)", () => {
      after(() => clock.setNow(new Date()));

      test("the job removes the link at disconnectAt", async () => {
        clock.setNow(new Date("2026-03-29T12:00:00Z"));
        const tenant = await hrTenant(t, { name: "Live AB" });
        const hire = await connectedHireLive(tenant);
        // 5 s before 2026-03-30 00:00 Stockholm on the service's clock: the job is due 5 s from now
        clock.setNow(new Date(new Date("2026-03-29T22:00:00Z").getTime() - 5000));
        const ended = await end(tenant, hire, "2026-03-24");
        assert.equal(ended.disconnectAt, "2026-03-29T22:00:00.000Z");
        assert.equal(ended.connectStatus, "CONNECTED");
        const deadline = Date.now() + 30_000;
        while ((await status(tenant, hire)) !== "DISCONNECTED") {
          if (Date.now() > deadline) throw new Error("the job did not remove the link within 30 s");
          await delay(200);
        }
        assert.equal(kinds(await employment(tenant, hire.employmentId), "DISCONNECTED").length, 1);
      });

      test("the sweep removes what no job did, once however often it runs", async () => {
        clock.setNow(new Date("2026-03-20T10:00:00Z"));
        const tenant = await hrTenant(t, { name: "Live AB" });
        const hire = await connectedHireLive(tenant);
        await end(tenant, hire, "2026-03-24"); // its job is due in nine days of real time
        clock.setNow(new Date("2026-03-30T08:00:00Z"));
        assert.ok((await removalLag()) >= 10 * 3600, "/metrics shows the removal waiting since 2026-03-29T22:00Z");
        assert.ok((await t.app.services.leavers.sweep()) >= 1);
        assert.equal(await removalLag(), 0);
        await t.app.services.leavers.sweep();
        assert.equal(await status(tenant, hire), "DISCONNECTED");
        assert.equal(kinds(await employment(tenant, hire.employmentId), "DISCONNECTED").length, 1);
      });

      const removalLag = async () => {
        const response = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.operatorKey}` } });
        const match = /^onboarding_removal_lag_seconds (\S+)$/m.exec(await response.text());
        return Number(match?.[1]);
      };

      /** A live tenant's domain needs a DNS proof: its hire is connected by the mailed link instead. */
      const connectedHireLive = async (tenant: HrTenant): Promise<Hire> => {
        const email = address("live");
        const hire = await register(t, tenant, { email, startDate: "2026-03-02" });
        const deadline = Date.now() + 10_000;
        while (smtp.linksTo(email).length === 0) {
          if (Date.now() > deadline) throw new Error("no invitation mailed");
          await delay(50);
        }
        const verified = await t.gql(`mutation($token: String!) { verifyInvitation(token: $token) { connectAccount { id } } }`, { token: tokenMailedTo(smtp, email) });
        assert.ok(verified.data, JSON.stringify(verified.errors));
        return { employeeId: hire.employee.id, employmentId: hire.employment.id, email };
      };
    });
  });
}
