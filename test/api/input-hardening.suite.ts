import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { errorCode, startTestApp, type GraphQLResponse, type TestApp } from "../support/app.js";
import { address, ADVANCE, EMPLOYMENT, hrTenant, mailsTo, register, REGISTER, sandboxTenant, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

// Findings of an outside attack (issue 13): what a caller sends must be refused as the caller's mistake
// (BAD_USER_INPUT, the field named), never turn into an INTERNAL_SERVER_ERROR or a mail that cannot work.

/** The parts of the suite; the PostgreSQL server runs those whose outcome depends on the database. */
export type Part = "addresses" | "nul" | "dates" | "midnight" | "greeting";
const ALL_PARTS: readonly Part[] = ["addresses", "nul", "dates", "midnight", "greeting"];

const T0 = "2026-03-25T13:00:00Z"; // Wednesday 14:00 in Stockholm (the SPEC's worked examples)
const HEADER = "firstName,lastName,email,startDate,employmentTemplate,externalId";
const IMPORT = `mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created unchanged failed errors { row field message } } }`;
const CHANGE_EMAIL = `mutation($id: ID!, $email: EmailAddress!) { changeEmail(employeeId: $id, email: $email) { id email } }`;
const INVITATIONS = `{ invitations(first: 200) { totalCount edges { node { email } } } }`;
const LINK_INFO = `query($token: String!) { linkInfo(token: $token) { state expiresAt } }`;
const VERIFY = `mutation($token: String!) { verifyInvitation(token: $token) { connectAccount { id } } }`;

interface FileReport {
  created?: number;
  failed?: number;
  errors: { row?: number; field?: string | null; message: string }[];
}

/** POST /import/hires with a CSV file, as the CLI sends it. */
async function importCsv(t: TestApp, tenant: HrTenant, rows: string[][]): Promise<{ status: number; body: FileReport }> {
  const cell = (value: string) => `"${value.replace(/"/g, '""')}"`;
  const file = [HEADER, ...rows.map((row) => row.map(cell).join(","))].join("\r\n") + "\r\n";
  const response = await fetch(`${t.url}/import/hires`, {
    method: "POST",
    headers: { "content-type": "text/csv", authorization: `Bearer ${tenant.key}` },
    body: file,
  });
  return { status: response.status, body: (await response.json()) as FileReport };
}

/** local@domain of exactly `length` characters, in the scalar's form (labels of at most 63). */
function addressOf(length: number): string {
  const local = "a".repeat(64);
  const labels: string[] = [];
  for (let left = length - local.length - 1; left > 0; ) {
    const label = Math.min(63, left === 64 ? 62 : left);
    labels.push("b".repeat(label));
    left -= label + 1;
  }
  return `${local}@${labels.join(".")}`;
}

const refused = (response: GraphQLResponse<unknown>, field?: string) => {
  assert.equal(errorCode(response), "BAD_USER_INPUT", JSON.stringify(response.errors));
  if (field) assert.equal(response.errors![0]!.extensions!.field, field, JSON.stringify(response.errors));
};

/**
 * `environment` names the stores (the database matters: PostgreSQL cannot hold a NUL, MySQL's DATETIME
 * ends in 9999, PostgreSQL folds unquoted names); `parts` the findings run on them.
 */
export function inputHardeningSuite(
  label: string,
  environment: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>,
  parts: readonly Part[] = ALL_PARTS,
): void {
  describe(`input hardening on ${label}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let cleanup: () => Promise<void>;

    before(async () => {
      smtp = await startTestSmtp();
      const stores = await environment();
      cleanup = stores.cleanup;
      t = await startTestApp({ ...stores.env, SMTP_URL: smtp.url, PUBLIC_BASE_URL: "https://onboarding.example.com" }, { jobTuning: { sweepInterval: "1 hour" } });
    });
    after(async () => {
      await t?.stop();
      await smtp?.close();
      await cleanup?.();
    });

    if (parts.includes("addresses")) {
      test("one address rule at every door: registerHire, importHires, the CSV file and changeEmail take exactly the addresses the API can return", async () => {
        const tenant = await hrTenant(t);
        const startDate = "2030-01-07"; // nothing is sent during the test
        const anna = await register(t, tenant, { startDate, externalId: "anna" });
        const good = ["anna.berg@example.org", "o'brien+hr@example.org", addressOf(254)];
        const bad: Record<string, string> = {
          "a quoted local part": '"anna berg"@example.org',
          "a quoted local part with CR LF": '"anna\r\nbcc: someone"@example.org',
          "a zero-width space": "anna\u200b@example.org",
          "a right-to-left override": "anna\u202e@example.org",
          "255 characters": addressOf(255),
          "320 characters": addressOf(320),
        };
        const cases = [...good.map((email) => ({ what: email.slice(0, 30), email, ok: true })), ...Object.entries(bad).map(([what, email]) => ({ what, email, ok: false }))];
        let n = 0;
        for (const { what, email, ok } of cases) {
          n++;
          const registered = await t.gql(REGISTER, { input: { firstName: "Reg", lastName: "Hire", email, startDate, employmentTemplateId: tenant.templateId } }, tenant.key);
          if (ok) assert.ok(registered.data, `registerHire ${what}: ${JSON.stringify(registered.errors)}`);
          else refused(registered);

          const imported = await t.gql(IMPORT, { rows: [{ firstName: "Imp", lastName: "Hire", email, startDate, employmentTemplateId: tenant.templateId }] }, tenant.key);
          if (ok) assert.equal(imported.data?.importHires.created, 1, `importHires ${what}: ${JSON.stringify(imported)}`);
          else if (imported.data) assert.deepEqual(imported.data.importHires.errors.map((e: { field: string }) => e.field), ["email"], `importHires ${what}`);
          else refused(imported); // the EmailAddress scalar refused the request

          const file = await importCsv(t, tenant, [["Csv", "Hire", email, startDate, "Permanent", `csv-${n}`]]);
          assert.equal(file.status, 200, JSON.stringify(file.body));
          if (ok) assert.equal(file.body.created, 1, `CSV ${what}: ${JSON.stringify(file.body)}`);
          else assert.deepEqual(file.body.errors.map((e) => [e.row, e.field]), [[1, "email"]], `CSV ${what}: ${JSON.stringify(file.body)}`);

          const changed = await t.gql(CHANGE_EMAIL, { id: anna.employee.id, email }, tenant.key);
          if (ok) assert.equal(changed.data?.changeEmail.email, email, `changeEmail ${what}: ${JSON.stringify(changed.errors)}`);
          else refused(changed);
        }

        // every address that got in can be given back: the tenant's list answers
        const list = await t.gql(INVITATIONS, {}, tenant.key);
        assert.equal(list.errors, undefined, JSON.stringify(list.errors));
        const listed = new Set(list.data.invitations.edges.map((e: { node: { email: string } }) => e.node.email));
        assert.deepEqual([...listed].sort(), [...good].sort());
      });
    }

    if (parts.includes("nul")) {
      test("a NUL in any string argument → BAD_USER_INPUT naming the field, before anything is read or written", async () => {
        const tenant = await hrTenant(t, { hasEmployeeLicense: true });
        const hire = await register(t, tenant, { email: address("nul"), startDate: "2030-01-07" });
        const input = (fields: Record<string, unknown>) => ({ input: { firstName: "Anna", lastName: "Berg", startDate: "2030-01-07", employmentTemplateId: tenant.templateId, ...fields } });
        const cases: [what: string, query: string, variables: Record<string, unknown>, key: string, field: string][] = [
          ["registerHire firstName", REGISTER, input({ firstName: "An\u0000na" }), tenant.key, "firstName"],
          ["registerHire lastName", REGISTER, input({ lastName: "\u0000" }), tenant.key, "lastName"],
          ["registerHire externalId", REGISTER, input({ externalId: "E-\u00001" }), tenant.key, "externalId"],
          ["registerHire employmentTemplateId", REGISTER, input({ employmentTemplateId: `${tenant.templateId}\u0000` }), tenant.key, "employmentTemplateId"],
          ["employee id", `query($id: ID!) { employee(id: $id) { id } }`, { id: "\u0000" }, tenant.key, "id"],
          ["accountStatus employeeId", `query($id: ID!) { accountStatus(employeeId: $id) { connectStatus } }`, { id: `${hire.employee.id}\u0000` }, tenant.key, "employeeId"],
          ["cancelEmployment employmentId", `mutation($id: ID!) { cancelEmployment(employmentId: $id) { id } }`, { id: `\u0000${hire.employment.id}` }, tenant.key, "employmentId"],
          ["changeEmail employeeId", CHANGE_EMAIL, { id: "\u0000", email: "anna@example.org" }, tenant.key, "employeeId"],
          ["invitations cursor", `query($after: String) { invitations(after: $after) { totalCount } }`, { after: "abc\u0000" }, tenant.key, "after"],
          ["createTenant name", `mutation($name: String!) { createTenant(input: { name: $name }) { adminApiKey } }`, { name: "Acme\u0000" }, t.operatorKey, "name"],
          ["createTenant timeZone", `mutation($tz: String) { createTenant(input: { name: "Acme", timeZone: $tz }) { adminApiKey } }`, { tz: "Europe/Stockholm\u0000" }, t.operatorKey, "timeZone"],
          ["createUserTemplate name, written in the document", `mutation { createUserTemplate(input: { name: "Emp\\u0000loyee" }) { id } }`, {}, tenant.key, "name"],
          ["createUserTemplate name, written as \\u{0}", `mutation { createUserTemplate(input: { name: "Emp\\u{0}loyee" }) { id } }`, {}, tenant.key, "name"],
          ["employee id, a variable's default", `query($id: ID! = "\\u0000") { employee(id: $id) { id } }`, {}, tenant.key, "id"],
          ["createEmploymentTemplate userTemplateId", `mutation($u: ID) { createEmploymentTemplate(input: { name: "Temp", userTemplateId: $u }) { id } }`, { u: "\u0000" }, tenant.key, "userTemplateId"],
          ["createApiKey name", `mutation($n: String!) { createApiKey(input: { name: $n, roles: [PARTNER] }) { apiKey } }`, { n: "Payroll\u0000" }, tenant.key, "name"],
          ["addVerifiedDomain", `mutation($d: String!) { addVerifiedDomain(domain: $d) { id } }`, { d: "acme.se\u0000" }, tenant.key, "domain"],
          ["setReviewFlow step name", `mutation($s: [ReviewStepInput!]!) { setReviewFlow(steps: $s) { id } }`, { s: [{ name: "Manager" }, { name: "HR\u0000" }] }, tenant.key, "name"],
          ["rejectEmployment reason", `mutation($id: ID!, $r: String) { rejectEmployment(employmentId: $id, reason: $r) { id } }`, { id: hire.employment.id, r: "no\u0000" }, tenant.key, "reason"],
          ["linkInfo token", LINK_INFO, { token: "\u0000" }, "", "token"],
          ["verifyInvitation token", VERIFY, { token: "abc\u0000" }, "", "token"],
        ];
        for (const [what, query, variables, key, field] of cases) {
          const response = await t.gql(query, variables, key || undefined);
          assert.equal(errorCode(response), "BAD_USER_INPUT", `${what}: ${JSON.stringify(response.errors)}`);
          assert.equal(response.status, 400, what);
          assert.equal(response.errors![0]!.extensions!.field, field, what);
          assert.match(response.errors![0]!.message, /must not contain the NUL character/, what);
        }
        const steps = await t.gql(`mutation($s: [ReviewStepInput!]!) { setReviewFlow(steps: $s) { id } }`, { s: [{ name: "Manager" }, { name: "HR\u0000" }] }, tenant.key);
        assert.match(steps.errors![0]!.message, /^steps\[1\]\.name must not contain/);

        // nothing was written: the one hire is still the tenant's only one, uncancelled, without a review flow
        const state = await t.gql(`{ tenant { reviewFlow { steps { name } } verifiedDomains } invitations { totalCount } }`, {}, tenant.key);
        assert.deepEqual(state.data, { tenant: { reviewFlow: null, verifiedDomains: [] }, invitations: { totalCount: 1 } });
        assert.equal((await t.gql(EMPLOYMENT, { id: hire.employment.id }, tenant.key)).data.employment.status, "ACTIVE");
      });

      test("a cursor that decodes to a NUL → BAD_USER_INPUT for after", async () => {
        const tenant = await hrTenant(t);
        const after = Buffer.from("2026-03-25T13:00:00.000Z|\u0000x", "utf8").toString("base64url");
        const response = await t.gql(`query($after: String) { invitations(after: $after) { totalCount } }`, { after }, tenant.key);
        refused(response, "after");
      });

      test("an import: a NUL refuses that row only, the other rows of its chunk are saved (CSV and importHires)", async () => {
        const tenant = await hrTenant(t);
        const file = await importCsv(t, tenant, [
          ["Anna", "Berg", address("n1"), "2030-01-07", "Permanent", "N-1"],
          ["Bo\u0000", "Ek", address("n2"), "2030-01-07", "Permanent", "N-2"],
          ["Cilla", "Ny", address("n3"), "2030-01-07", "Permanent", "N-3"],
          ["Dan", "Dahl", address("n4"), "2030-01-07", "Permanent", "N-\u00004"],
          ["Eva", "Ås", address("n5"), "2030-01-07", "Perm\u0000anent", "N-5"],
        ]);
        assert.equal(file.status, 200, JSON.stringify(file.body));
        assert.equal(file.body.created, 2);
        assert.equal(file.body.failed, 3);
        assert.deepEqual(file.body.errors.map((e) => [e.row, e.field]), [[2, "firstName"], [4, "externalId"], [5, "employmentTemplate"]]);

        const row = (firstName: string, lastName: string) => ({ firstName, lastName, email: address(firstName), startDate: "2030-01-07", employmentTemplateId: tenant.templateId });
        const imported = await t.gql(IMPORT, { rows: [row("Fia", "Lund"), row("Gun", "Str\u0000öm"), row("Hans", "Vik")] }, tenant.key);
        assert.deepEqual(imported.data?.importHires, {
          created: 2,
          unchanged: 0,
          failed: 1,
          errors: [{ row: 2, field: "lastName", message: "lastName must not contain the NUL character (\\u0000)" }],
        });
        assert.equal((await t.gql(`{ invitations { totalCount } }`, {}, tenant.key)).data.invitations.totalCount, 4);
      });
    }

    if (parts.includes("dates")) {
      test("a sandbox clock outside 1970–9000 → BAD_USER_INPUT naming clockStart or to, before anything is written", async () => {
        const create = (clockStart: string) =>
          t.gql(`mutation($c: DateTime) { createTenant(input: { name: "Far AB", sandbox: true, clockStart: $c }) { adminApiKey } }`, { c: clockStart }, t.operatorKey);
        for (const clockStart of ["9999-12-30T12:00:00Z", "9001-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z"]) {
          const response = await create(clockStart);
          refused(response, "clockStart");
          assert.match(response.errors![0]!.message, /clockStart must be between 1970-01-01T00:00:00.000Z and 9000-12-31T23:59:59.999Z/);
        }

        const tenant = await sandboxTenant(t, "9000-12-30T12:00:00Z");
        refused(await t.gql(ADVANCE, { to: "9001-01-01T00:00:00Z" }, tenant.key), "to");
        refused(await t.gql(ADVANCE, { to: "9999-12-31T00:00:00Z" }, tenant.key), "to");
        assert.equal((await t.gql(`{ tenant { clockNow } }`, {}, tenant.key)).data.tenant.clockNow, "9000-12-30T12:00:00.000Z", "the clock did not move");

        // the last supported day works end to end, on every database: sent, stored, listed
        const email = address("last-day");
        const hire = await register(t, tenant, { email, startDate: "9000-12-31" });
        assert.equal(hire.employment.invitation.status, "SENT");
        assert.equal(hire.employment.invitation.expiresAt, "9001-01-03T23:00:00.000Z");
        assert.equal(mailsTo(smtp, email).length, 1);
        const advanced = await t.gql(ADVANCE, { to: "9000-12-31T23:59:59.999Z" }, tenant.key);
        assert.equal(advanced.data?.advanceTestClock.clockNow, "9000-12-31T23:59:59.999Z", JSON.stringify(advanced.errors));
        const list = await t.gql(`{ invitations { edges { node { status expiresAt } } } }`, {}, tenant.key);
        assert.deepEqual(list.data?.invitations.edges, [{ node: { status: "SENT", expiresAt: "9001-01-03T23:00:00.000Z" } }], JSON.stringify(list.errors));
      });

      test("start dates outside 1970-01-01…9000-12-31 → BAD_USER_INPUT naming startDate at every door; nothing saved or mailed", async () => {
        const tenant = await sandboxTenant(t, T0);
        const mails = smtp.received.length;
        for (const startDate of ["9999-12-31", "9001-01-01", "1969-12-31"]) {
          const email = address("far");
          const registered = await t.gql(REGISTER, { input: { firstName: "Far", lastName: "Away", email, startDate, employmentTemplateId: tenant.templateId } }, tenant.key);
          refused(registered, "startDate");
          assert.match(registered.errors![0]!.message, /startDate must be between 1970-01-01 and 9000-12-31/);

          const imported = await t.gql(IMPORT, { rows: [{ firstName: "Far", lastName: "Away", email, startDate, employmentTemplateId: tenant.templateId }] }, tenant.key);
          assert.deepEqual(imported.data?.importHires.errors.map((e: { field: string }) => e.field), ["startDate"], JSON.stringify(imported));

          const file = await importCsv(t, tenant, [["Far", "Away", email, startDate, "Permanent", ""]]);
          assert.deepEqual(file.body.errors.map((e) => [e.row, e.field]), [[1, "startDate"]], JSON.stringify(file.body));

          refused(await t.gql(`query($d: LocalDate!) { invitationPlan(startDate: $d) { action } }`, { d: startDate }, tenant.key), "startDate");
        }
        const hire = await register(t, tenant, { email: address("near"), startDate: "2026-04-10" });
        const changed = await t.gql(`mutation($id: ID!, $d: LocalDate!) { changeStartDate(employmentId: $id, startDate: $d) { startDate } }`, { id: hire.employment.id, d: "9999-12-31" }, tenant.key);
        refused(changed, "startDate");
        const now = await t.gql(EMPLOYMENT, { id: hire.employment.id }, tenant.key);
        assert.equal(now.data.employment.startDate, "2026-04-10");
        assert.equal(now.data.employment.invitation.sendAt, "2026-04-09T07:00:00.000Z", "still planned as before");
        assert.equal((await t.gql(`{ invitations { totalCount } }`, {}, tenant.key)).data.invitations.totalCount, 1, "only the hire of 2026-04-10");
        assert.equal(smtp.received.length, mails, "nothing mailed");
      });
    }

    if (parts.includes("midnight")) {
      test("America/Havana: a link expiring on 2026-11-01, when 00:00 happens twice, expires at the first 00:00 (04:00Z), not the second", async () => {
        const tenant = await sandboxTenant(t, "2026-10-27T16:00:00Z", "America/Havana"); // Tuesday 12:00-04:00
        const email = address("havana");
        const hire = await register(t, tenant, { email, startDate: "2026-10-27" });
        assert.equal(hire.employment.invitation.status, "SENT");
        assert.equal(hire.employment.invitation.expiresAt, "2026-11-01T04:00:00.000Z");
        const token = tokenMailedTo(smtp, email);
        const mail = mailsTo(smtp, email)[0]!;
        assert.match(mail.text, /till och med lördag 31 oktober 2026/);

        await t.gql(ADVANCE, { to: "2026-11-01T03:59:59.999Z" }, tenant.key); // 23:59:59.999-04:00 on 10-31
        assert.equal((await t.gql(LINK_INFO, { token })).data.linkInfo.state, "VALID");
        await t.gql(ADVANCE, { to: "2026-11-01T04:00:00Z" }, tenant.key); // the first 00:00 of 11-01
        assert.equal((await t.gql(LINK_INFO, { token })).data.linkInfo.state, "EXPIRED");
        assert.equal(errorCode(await t.gql(VERIFY, { token })), "LINK_EXPIRED");
      });
    }

    if (parts.includes("greeting")) {
      test("every invitation greets the hire by first name, sent at once or at 09:00 the day before", async () => {
        const tenant = await sandboxTenant(t, T0);
        const now = address("greet-now");
        const later = address("greet-later");
        await register(t, tenant, { firstName: "Anna", email: now, startDate: "2026-03-26" });
        await register(t, tenant, { firstName: "Åsa-Li", email: later, startDate: "2026-03-27" });
        await t.gql(ADVANCE, { to: "2026-03-26T08:00:00Z" }, tenant.key);
        const [first] = mailsTo(smtp, now);
        const [second] = mailsTo(smtp, later);
        assert.ok(first && second, "both mailed");
        for (const [mail, name] of [[first, "Anna"], [second, "Åsa-Li"]] as const) {
          assert.match(mail.text, new RegExp(`^Hej ${name}!$`, "m"));
          assert.match(mail.text, new RegExp(`^Hi ${name},$`, "m"));
          assert.match(mail.html, new RegExp(`Hej ${name}!`));
        }
      });
    }
  });
}
