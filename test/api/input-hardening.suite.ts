import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { errorCode, startTestApp, type GraphQLResponse, type TestApp } from "../support/app.js";
import { address, ADVANCE, EMPLOYMENT, hrTenant, mailsTo, register, REGISTER, sandboxTenant, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

// Findings of an outside attack (issue 13): what a caller sends must be refused as the caller's mistake
// (BAD_USER_INPUT, the field named), never turn into an INTERNAL_SERVER_ERROR or a mail that cannot work.

/** The parts of the suite; the PostgreSQL server runs those whose outcome depends on the database. */
export type Part = "addresses";
const ALL_PARTS: readonly Part[] = ["addresses"];

const HEADER = "firstName,lastName,email,startDate,employmentTemplate,externalId";
const IMPORT = `mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created unchanged failed errors { row field message } } }`;
const CHANGE_EMAIL = `mutation($id: ID!, $email: EmailAddress!) { changeEmail(employeeId: $id, email: $email) { id email } }`;
const INVITATIONS = `{ invitations(first: 200) { totalCount edges { node { email } } } }`;

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

  });
}
