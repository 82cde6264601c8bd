import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { errorCode, startTestApp, type TestApp } from "../support/app.js";
import { ACCOUNT_STATUS, address, mailsTo, REGISTER, sandboxTenant, type HrTenant } from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

/** Wednesday 2026-03-25 14:00 Europe/Stockholm: a start on 2026-03-26 is mailed at registration. */
const T0 = "2026-03-25T13:00:00Z";
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

const EMPLOYEE = `query($id: ID!) { employee(id: $id) { id email externalId employments { id } user { id email connectStatus } } }`;
const EMPLOYMENT = `query($id: ID!) { employment(id: $id) { id startDate status employee { id email } invitation { id email } history { kind } } }`;
const INVITATIONS = `{ invitations(first: 50) { totalCount edges { node { id email employee { id } } } } }`;
const CHANGE_EMAIL = `mutation($id: ID!, $email: EmailAddress!) { changeEmail(employeeId: $id, email: $email) { id email } }`;
const CHANGE_START = `mutation($id: ID!, $date: LocalDate!) { changeStartDate(employmentId: $id, startDate: $date) { id startDate } }`;
const CANCEL = `mutation($id: ID!) { cancelEmployment(employmentId: $id) { id status } }`;
const IMPORT = `mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created unchanged employments { id employee { id } } } }`;

interface Hire {
  employeeId: string;
  employmentId: string;
  email: string;
}

/**
 * R12: a PARTNER key reads and changes only the hires that PARTNER keys of the same name registered;
 * to every other hire it answers as to an id that does not exist. HR_ADMIN and REVIEWER keys see
 * every hire. Through the HTTP endpoint, on a real database, with a real SMTP server.
 */
export function partnerScopeSuite(label: string, environment: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>): void {
  describe(`a partner sees only its own hires, on ${label}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let cleanup: () => Promise<void>;
    let tenant: HrTenant;
    /** PARTNER keys: two of "Payroll", one of "Recruiting". */
    let payroll: string;
    let payroll2: string;
    let recruiting: string;
    let x: Hire; // registered by Payroll
    let y: Hire; // registered by HR
    let z: Hire; // registered by Recruiting

    const newKey = async (name: string, roles: string) =>
      (await t.gql(`mutation($name: String!) { createApiKey(input: { name: $name, roles: [${roles}] }) { apiKey } }`, { name }, tenant.key)).data.createApiKey
        .apiKey as string;
    const registerAs = async (key: string, name: string, input: Record<string, unknown> = {}): Promise<Hire> => {
      const email = address(name);
      const answer = await t.gql(REGISTER, { input: { firstName: "Anna", lastName: name, email, startDate: "2026-03-26", employmentTemplateId: tenant.templateId, ...input } }, key);
      if (!answer.data) throw new Error(`registerHire failed: ${JSON.stringify(answer.errors)}`);
      return { employeeId: answer.data.registerHire.employee.id, employmentId: answer.data.registerHire.employment.id, email };
    };
    const listed = async (key: string) => {
      const answer = await t.gql(INVITATIONS, {}, key);
      if (!answer.data) throw new Error(`invitations failed: ${JSON.stringify(answer.errors)}`);
      const page = answer.data.invitations;
      return { total: page.totalCount as number, employees: new Set<string>(page.edges.map((e: any) => e.node.employee.id)), nodes: page.edges.map((e: any) => e.node) };
    };
    /** What the key is told about each read of a hire: the data, or the error code. */
    const reads = async (key: string, hire: Pick<Hire, "employeeId" | "employmentId">) => {
      const [employee, employment, status] = await Promise.all([
        t.gql(EMPLOYEE, { id: hire.employeeId }, key),
        t.gql(EMPLOYMENT, { id: hire.employmentId }, key),
        t.gql(ACCOUNT_STATUS, { id: hire.employeeId }, key),
      ]);
      return {
        employee: employee.errors ? errorCode(employee) : employee.data.employee,
        employment: employment.errors ? errorCode(employment) : employment.data.employment,
        accountStatus: status.errors ? errorCode(status) : status.data.accountStatus,
      };
    };
    const nothing = { employeeId: UNKNOWN_ID, employmentId: UNKNOWN_ID };

    before(async () => {
      smtp = await startTestSmtp();
      const stores = await environment();
      cleanup = stores.cleanup;
      t = await startTestApp({ ...stores.env, SMTP_URL: smtp.url, PUBLIC_BASE_URL: "https://onboarding.example.com" }, { jobTuning: { sweepInterval: "1 hour" } });
      tenant = await sandboxTenant(t, T0);
      payroll = await newKey("Payroll", "PARTNER");
      payroll2 = await newKey("Payroll", "PARTNER");
      recruiting = await newKey("Recruiting", "PARTNER");
      x = await registerAs(payroll, "x");
      y = await registerAs(tenant.key, "y");
      z = await registerAs(recruiting, "z");
    });
    after(async () => {
      await t?.stop();
      await smtp?.close();
      await cleanup?.();
    });

    test("partner Payroll reads its hire: employee, employment, accountStatus; its invitations list holds only that hire", async () => {
      const seen = await reads(payroll, x);
      assert.equal((seen.employee as any).email, x.email);
      assert.deepEqual((seen.employee as any).employments, [{ id: x.employmentId }]);
      assert.equal((seen.employment as any).employee.email, x.email);
      assert.equal((seen.employment as any).invitation.email, x.email);
      assert.equal((seen.accountStatus as any).email, x.email);
      assert.equal((seen.accountStatus as any).connectStatus, "INVITATION_SENT");
      const list = await listed(payroll);
      assert.deepEqual([...list.employees], [x.employeeId]);
      assert.equal(list.total, 1, "the total counts only its own invitations");
    });

    test("a second key with the same name (Payroll) sees the same hire", async () => {
      const seen = await reads(payroll2, x);
      assert.equal((seen.employee as any).email, x.email);
      assert.equal((seen.employment as any).id, x.employmentId);
      assert.equal((seen.accountStatus as any).email, x.email);
      assert.deepEqual([...(await listed(payroll2)).employees], [x.employeeId]);
    });

    test("HR's hire and another partner's answer Payroll exactly as an id that does not exist", async () => {
      const unknown = await reads(payroll, nothing);
      assert.deepEqual(unknown, { employee: null, employment: null, accountStatus: "NOT_FOUND" });
      assert.deepEqual(await reads(payroll, y), unknown, "HR's hire");
      assert.deepEqual(await reads(payroll, z), unknown, "Recruiting's hire");
      assert.deepEqual(await reads(recruiting, x), unknown, "and Payroll's hire to Recruiting");
      assert.deepEqual(await reads(recruiting, y), unknown);
      // polls that arrive together share one statement (DataLoader): each still gets only what its key may see
      const together = await Promise.all([tenant.key, payroll, recruiting, tenant.key].map((key) => t.gql(ACCOUNT_STATUS, { id: y.employeeId }, key)));
      assert.deepEqual(together.map((a) => a.data?.accountStatus?.email ?? errorCode(a)), [y.email, "NOT_FOUND", "NOT_FOUND", y.email]);
      const mails = (await listed(payroll)).nodes.map((n: any) => n.email);
      assert.ok(!mails.includes(y.email) && !mails.includes(z.email));
    });

    test("Payroll's changes of HR's or Recruiting's hire answer NOT_FOUND, change nothing and mail nothing; its own hire it changes", async () => {
      const before = await Promise.all([y, z].map((hire) => reads(tenant.key, hire)));
      for (const hire of [y, z]) {
        const hijack = address("hijack");
        const answers = [
          await t.gql(CHANGE_EMAIL, { id: hire.employeeId, email: hijack }, payroll),
          await t.gql(CHANGE_START, { id: hire.employmentId, date: "2026-04-20" }, payroll),
          await t.gql(CANCEL, { id: hire.employmentId }, payroll),
        ];
        assert.deepEqual(answers.map(errorCode), ["NOT_FOUND", "NOT_FOUND", "NOT_FOUND"]);
        assert.deepEqual(answers.map((a) => a.data), [null, null, null]);
        await new Promise((resolve) => setTimeout(resolve, 300)); // a send after a commit would have gone out by now
        assert.equal(mailsTo(smtp, hijack).length, 0, "no link to the partner's address");
      }
      const unknown = [
        await t.gql(CHANGE_EMAIL, { id: UNKNOWN_ID, email: address("nobody") }, payroll),
        await t.gql(CHANGE_START, { id: UNKNOWN_ID, date: "2026-04-20" }, payroll),
        await t.gql(CANCEL, { id: UNKNOWN_ID }, payroll),
      ];
      assert.deepEqual(unknown.map(errorCode), ["NOT_FOUND", "NOT_FOUND", "NOT_FOUND"], "as for an id that does not exist");
      assert.deepEqual(await Promise.all([y, z].map((hire) => reads(tenant.key, hire))), before, "HR sees both hires unchanged");
      const [hrView] = before;
      assert.equal((hrView!.employee as any).email, y.email);
      assert.equal((hrView!.employment as any).status, "ACTIVE");
      assert.deepEqual((hrView!.employment as any).history.map((e: any) => e.kind), ["REGISTERED", "PLANNED", "SENT"]);
      assert.equal(mailsTo(smtp, y.email).length, 1, "the hire's one mail, from its registration");

      // the same changes of its own hire work, by any key of the partner
      const own = await registerAs(payroll, "own");
      const email = address("own-new");
      const mailed = smtp.received.length;
      const changed = await t.gql(CHANGE_EMAIL, { id: own.employeeId, email }, payroll2);
      assert.equal(changed.data.changeEmail.email, email);
      await smtp.waitFor(mailed + 1);
      assert.equal(mailsTo(smtp, email).length, 1, "the link was sent: the new address gets one at once");
      const moved = await t.gql(CHANGE_START, { id: own.employmentId, date: "2026-04-20" }, payroll);
      assert.equal(moved.data.changeStartDate.startDate, "2026-04-20");
      const cancelled = await t.gql(CANCEL, { id: own.employmentId }, payroll);
      assert.equal(cancelled.data.cancelEmployment.status, "CANCELLED");
    });

    test("importHires and the CSV file register the partner's hires", async () => {
      const rows = [{ firstName: "Imp", lastName: "Orted", email: address("imported"), startDate: "2026-04-20", employmentTemplateId: tenant.templateId }];
      const imported = (await t.gql(IMPORT, { rows }, payroll)).data.importHires.employments[0];
      const response = await fetch(`${t.url}/import/hires`, {
        method: "POST",
        headers: { "content-type": "text/csv", authorization: `Bearer ${payroll}` },
        body: `firstName,lastName,email,startDate,employmentTemplate,externalId\nCsv,File,${address("csv")},2026-04-20,Permanent,CSV-1\n`,
      });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { created: number }).created, 1);
      const list = await listed(payroll2);
      assert.ok(list.employees.has(imported.employee.id), "the imported hire is Payroll's");
      const fromFile = list.nodes.find((n: any) => n.employee.id !== imported.employee.id && n.employee.id !== x.employeeId && n.email.startsWith("csv."));
      assert.ok(fromFile, "the CSV hire is Payroll's");
      const hidden = { employeeId: imported.employee.id, employmentId: imported.id };
      assert.deepEqual(await reads(recruiting, hidden), await reads(recruiting, nothing), "and not Recruiting's");
      assert.equal(((await reads(tenant.key, hidden)).employment as any).id, imported.id, "HR sees it");
    });

    test("an externalId is the registrant's own: HR's or another partner's id registers a new hire; the partner's own again is its first hire", async () => {
      const hr = await registerAs(tenant.key, "ext-hr", { externalId: "E-1" });
      const mine = await registerAs(payroll, "ext-payroll", { externalId: "E-1" });
      assert.notEqual(mine.employeeId, hr.employeeId, "HR's hire is not revealed to the partner");
      const again = await registerAs(payroll2, "ext-payroll-again", { externalId: "E-1" });
      assert.equal(again.employeeId, mine.employeeId, "the same partner's id again: its first hire");
      const theirs = await registerAs(recruiting, "ext-recruiting", { externalId: "E-1" });
      assert.ok(![hr.employeeId, mine.employeeId].includes(theirs.employeeId));
      const hrAgain = await registerAs(tenant.key, "ext-hr-again", { externalId: "E-1" });
      assert.equal(hrAgain.employeeId, hr.employeeId, "HR's id again: HR's first hire");
      const rows = [{ firstName: "A", lastName: "B", email: address("ext-import"), startDate: "2026-04-20", employmentTemplateId: tenant.templateId, externalId: "E-1" }];
      const imported = (await t.gql(IMPORT, { rows }, payroll)).data.importHires;
      assert.deepEqual([imported.created, imported.unchanged, imported.employments[0].employee.id], [0, 1, mine.employeeId]);
      assert.equal(((await reads(tenant.key, hr)).employee as any).email, hr.email, "HR's hire is unchanged");
      assert.equal(mailsTo(smtp, again.email).length, 0, "a repeated registration sends nothing");
    });

    test("HR_ADMIN and REVIEWER keys see every hire; a key with HR_ADMIN and PARTNER acts as HR: it sees every hire, and what it registers is HR's", async () => {
      const reviewer = await newKey("Line manager", "REVIEWER");
      for (const key of [tenant.key, reviewer]) {
        for (const hire of [x, y, z]) {
          const seen = await reads(key, hire);
          assert.equal((seen.employee as any).email, hire.email);
          assert.equal((seen.employment as any).id, hire.employmentId);
          assert.equal((seen.accountStatus as any).email, hire.email);
        }
        const list = await listed(key);
        for (const hire of [x, y, z]) assert.ok(list.employees.has(hire.employeeId));
      }
      const both = await newKey("Payroll", "HR_ADMIN, PARTNER");
      for (const hire of [x, y, z]) assert.equal(((await reads(both, hire)).employee as any).email, hire.email);
      const hire = await registerAs(both, "both");
      assert.deepEqual(await reads(payroll, hire), await reads(payroll, nothing), "not a hire of the partner Payroll");
      assert.equal(((await reads(tenant.key, hire)).employee as any).email, hire.email);
    });

    test("a key with REVIEWER and PARTNER is still the partner: it sees only its partner's hires", async () => {
      const both = await newKey("Payroll", "REVIEWER, PARTNER");
      assert.equal(((await reads(both, x)).employee as any).email, x.email);
      assert.deepEqual(await reads(both, y), await reads(both, nothing));
      assert.equal(errorCode(await t.gql(CHANGE_EMAIL, { id: y.employeeId, email: address("both-hijack") }, both)), "NOT_FOUND");
    });
  });
}
