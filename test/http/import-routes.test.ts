import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { startTestApp, type TestApp } from "../support/app.js";
import { hrTenant, register, type HrTenant } from "../support/hires.js";
import { freshDataDir, freshMysqlDatabase, services } from "../support/services.js";

const HEADER = "firstName,lastName,email,startDate,employmentTemplate,externalId";

interface ImportAnswer {
  status: number;
  body: {
    created?: number;
    unchanged?: number;
    failed?: number;
    errors: { row?: number; field?: string | null; message: string; extensions?: { code?: string; importedRows?: number; [k: string]: unknown } }[];
    errorsTruncated?: boolean;
  };
}

/** POSTs a file to the real endpoint, as the CLI or curl would. */
async function importFile(app: TestApp, file: string | Buffer | ReadableStream, key?: string, contentType = "text/csv"): Promise<ImportAnswer> {
  const response = await fetch(`${app.url}/import/hires`, {
    method: "POST",
    headers: { "content-type": contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: file,
    ...(file instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  return { status: response.status, body: (await response.json()) as ImportAnswer["body"] };
}

const csv = (...rows: string[]) => [HEADER, ...rows].join("\n") + "\n";
const code = (answer: ImportAnswer) => answer.body.errors[0]?.extensions?.code;
/** The hire first registered with `externalId`: registering it again answers that hire. */
const firstHire = (t: TestApp, tenant: HrTenant, externalId: string) => register(t, tenant, { externalId, startDate: "2027-01-04" });
const byRow = (answer: ImportAnswer) => [...answer.body.errors].sort((a, b) => a.row! - b.row!).map(({ row, field }) => ({ row, field }));

describe("POST /import/hires: new hires from a CSV file", () => {
  let t: TestApp;
  let limited: TestApp;
  let tenant: HrTenant;
  let cleanUp: () => Promise<void>;

  before(async () => {
    const db = await freshMysqlDatabase();
    const data = await freshDataDir();
    const env = { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40), DATA_DIR: data.dir };
    t = await startTestApp(env);
    // a second process on the same databases, with small limits
    limited = await startTestApp(env, { importLimits: { maxRows: 3, maxBytes: 2048 } });
    tenant = await hrTenant(t);
    cleanUp = async () => {
      await limited?.stop();
      await t?.stop();
      await db.drop();
      await data.remove();
    };
  });
  after(() => cleanUp?.());

  test("no key or an unknown key → 401 UNAUTHENTICATED", async () => {
    const none = await importFile(t, csv());
    assert.equal(none.status, 401);
    assert.equal(code(none), "UNAUTHENTICATED");
    assert.match(none.body.errors[0]!.message, /Bearer/);
    const unknown = await importFile(t, csv(), "obk_not-a-real-key");
    assert.equal(unknown.status, 401);
    assert.equal(code(unknown), "UNAUTHENTICATED");
  });

  test("the operator's key, or a tenant key without HR_ADMIN or PARTNER → 403 FORBIDDEN", async () => {
    const operator = await importFile(t, csv(), t.operatorKey);
    assert.equal(operator.status, 403);
    assert.equal(code(operator), "FORBIDDEN");
    const reviewer = await t.gql(`mutation { createApiKey(input: { name: "Reviewer", roles: [REVIEWER] }) { apiKey } }`, {}, tenant.key);
    const asReviewer = await importFile(t, csv(), reviewer.data.createApiKey.apiKey);
    assert.equal(asReviewer.status, 403);
    assert.equal(code(asReviewer), "FORBIDDEN");
    assert.match(asReviewer.body.errors[0]!.message, /HR_ADMIN or PARTNER/);
  });

  test("a PARTNER key may import", async () => {
    const partner = await t.gql(`mutation { createApiKey(input: { name: "Payroll", roles: [PARTNER] }) { apiKey } }`, {}, tenant.key);
    const answer = await importFile(t, csv("Per,Holm,,2027-01-04,Consultant,P-1"), partner.data.createApiKey.apiKey);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.created, 1);
  });

  test("a header with unknown columns → 400 BAD_USER_INPUT naming them", async () => {
    const answer = await importFile(t, "firstName,lastName,startDate,employmentTemplate,department,Phone\nA,B,2027-01-04,Consultant,IT,1\n", tenant.key);
    assert.equal(answer.status, 400);
    assert.equal(code(answer), "BAD_USER_INPUT");
    assert.match(answer.body.errors[0]!.message, /unknown columns "department", "Phone"/);
  });

  test("a header without a required column → 400 BAD_USER_INPUT naming it", async () => {
    const answer = await importFile(t, "firstName,lastName,email\nA,B,a@example.org\n", tenant.key);
    assert.equal(answer.status, 400);
    assert.equal(code(answer), "BAD_USER_INPUT");
    assert.match(answer.body.errors[0]!.message, /missing columns startDate, employmentTemplate/);
  });

  test("an empty file → 400: the header row is required", async () => {
    const answer = await importFile(t, "", tenant.key);
    assert.equal(answer.status, 400);
    assert.match(answer.body.errors[0]!.message, /empty/);
  });

  test("a body that is not CSV → 415; a file that is not UTF-8 → 400", async () => {
    const json = await importFile(t, "{}", tenant.key, "application/json");
    assert.equal(json.status, 415);
    assert.match(json.body.errors[0]!.message, /text\/csv/);
    const latin1 = await importFile(t, Buffer.from(csv("Åsa,Berg,,2027-01-04,Consultant,"), "latin1"), tenant.key);
    assert.equal(latin1.status, 400);
    assert.match(latin1.body.errors[0]!.message, /UTF-8/);
  });

  test("a good file (BOM, header in any case and order, blank lines, empty cells) → every row created", async () => {
    const file =
      "\uFEFF Email ,FIRSTNAME,lastname,StartDate,employmentTemplate,externalId\r\n" +
      "asa.lindqvist@example.org,Åsa,Lindqvist,2027-01-04,Permanent,G-1\r\n" +
      "\r\n" +
      ",Björn,Öberg,2027-01-11,Consultant,G-2\r\n" +
      `,Emily,Clarke,2027-02-01,${tenant.noUserTemplateId},G-3\r\n`;
    const answer = await importFile(t, file, tenant.key, "application/octet-stream");
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { created: 3, unchanged: 0, failed: 0, errors: [], errorsTruncated: false });

    const asa = await firstHire(t, tenant, "G-1"); // the same externalId answers the first hire
    assert.equal(asa.employee.firstName, "Åsa");
    assert.equal(asa.employee.email, "asa.lindqvist@example.org");
    assert.equal(asa.employment.startDate, "2027-01-04");
    assert.equal(asa.employment.template.name, "Permanent");
    const bjorn = await firstHire(t, tenant, "G-2");
    assert.equal(bjorn.employee.lastName, "Öberg");
    assert.equal(bjorn.employee.email, null, "an empty cell is no address");
    assert.equal(bjorn.employment.template.name, "Consultant");
  });

  test("bad rows are reported with their row and field, the good rows saved, a repeated externalId unchanged", async () => {
    const answer = await importFile(
      t,
      csv(
        "Anna,Berg,,2027-01-04,Consultant,B-1", //                   1 created
        "Bo,Ek,,2027-02-30,Consultant,B-2", //                       2 not a date
        "Cilla,Ny,,2027-01-04,Intern,B-3", //                        3 no such template
        ",Dahl,,2027-01-04,Consultant,B-4", //                       4 no first name
        "Anna,Berg,,2027-01-04,Consultant,B-1", //                   5 unchanged
        "Eva,Ås,,2027-01-04", //                                     6 too few cells
        "Fia,Lund,not-an-address,2027-01-04,Consultant,B-7", //      7 not an address
        "Gun,Ström,,2027-01-04,Cons\"ultant,B-8", //                 8 not CSV
        `Hans,Vik,,2027-01-04,${tenant.noUserTemplateId},B-9`, //    9 created (template by id)
      ),
      tenant.key,
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body.created, 2);
    assert.equal(answer.body.unchanged, 1);
    assert.equal(answer.body.failed, 6);
    assert.equal(answer.body.errorsTruncated, false);
    assert.deepEqual(byRow(answer), [
      { row: 2, field: "startDate" },
      { row: 3, field: "employmentTemplate" },
      { row: 4, field: "firstName" },
      { row: 6, field: null },
      { row: 7, field: "email" },
      { row: 8, field: null },
    ]);
    const messages = new Map(answer.body.errors.map((e) => [e.row, e.message]));
    assert.match(messages.get(6)!, /4 cells.*6 columns/);
    assert.match(messages.get(8)!, /quote/i);
    const hans = await firstHire(t, tenant, "B-9");
    assert.equal(hans.employee.firstName, "Hans");
  });

  test("row numbers count on across batches of 500", async () => {
    const rows = Array.from({ length: 1203 }, (_, i) =>
      i + 1 === 503 || i + 1 === 1001 ? `Bad,Row,,2027-13-01,Consultant,N-${i + 1}` : `Hire${i + 1},Batch,,2027-01-04,Consultant,N-${i + 1}`,
    );
    const answer = await importFile(t, csv(...rows), tenant.key);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.created, 1201);
    assert.equal(answer.body.failed, 2);
    assert.deepEqual(byRow(answer), [
      { row: 503, field: "startDate" },
      { row: 1001, field: "startDate" },
    ]);
  });

  test("more than 1 000 failed rows: the first 1 000 errors are listed and errorsTruncated is set", async () => {
    const rows = Array.from({ length: 1100 }, (_, i) => `Hire${i},Many,,2027-01-04,No such template,`);
    const answer = await importFile(t, csv(...rows), tenant.key);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.failed, 1100);
    assert.equal(answer.body.errors.length, 1000);
    assert.equal(answer.body.errorsTruncated, true);
  });

  test("more rows than the limit → 413; the rows up to the limit stay imported and the message says so", async () => {
    const rows = ["Li,Ett,,2027-01-04,Consultant,L-1", "Li,Två,,2027-01-04,Consultant,L-2", "Li,Tre,,2027-01-04,Consultant,L-3"];
    const rest = ["Li,Fyra,,2027-01-04,Consultant,L-4", "Li,Fem,,2027-01-04,Consultant,L-5"];
    const answer = await importFile(limited, csv(...rows, ...rest), tenant.key);
    assert.equal(answer.status, 413);
    assert.equal(code(answer), "BAD_USER_INPUT");
    assert.match(answer.body.errors[0]!.message, /more rows than the limit of 3/);
    assert.match(answer.body.errors[0]!.message, /the first 3 rows were imported; split the file/);
    assert.equal(answer.body.errors[0]!.extensions!.importedRows, 3);

    assert.deepEqual((await importFile(t, csv(...rows), tenant.key)).body.unchanged, 3, "rows 1–3 were imported");
    assert.deepEqual((await importFile(t, csv(...rest), tenant.key)).body.created, 2, "rows 4–5 were not");
  });

  test("a file larger than the byte limit → 413 before anything is imported", async () => {
    const rows = Array.from({ length: 3 }, (_, i) => `Stor,Fil${"x".repeat(700)},,2027-01-04,Consultant,S-${i + 1}`);
    const answer = await importFile(limited, csv(...rows), tenant.key);
    assert.equal(answer.status, 413);
    assert.equal(code(answer), "BAD_USER_INPUT");
    assert.match(answer.body.errors[0]!.message, /larger than the limit of 2 KiB/);
    assert.match(answer.body.errors[0]!.message, /nothing was imported/);
  });

  test("a row longer than 64 KiB (here a cell of up to 49 MiB) → 400 naming the row and the limit, answered before the upload ends; the rows before it stay imported", async () => {
    const MiB = 1024 * 1024;
    const cell = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    const upload = new ReadableStream<Uint8Array>({
      start(controller) {
        const head = Buffer.from(csv("Lång,Ett,,2027-01-04,Consultant,W-1", "Lång,Två,,2027-01-04,Consultant,W-2") + "Lång,");
        sent += head.length;
        controller.enqueue(head);
      },
      pull(controller) {
        if (sent >= 49 * MiB) return controller.close();
        sent += cell.length;
        controller.enqueue(cell);
      },
    });
    const answer = await importFile(t, upload, tenant.key);
    assert.equal(answer.status, 400);
    assert.equal(code(answer), "BAD_USER_INPUT");
    assert.match(answer.body.errors[0]!.message, /^Row 3 is longer than the limit of 64 KiB/);
    assert.match(answer.body.errors[0]!.message, /: the first 2 rows were imported; correct it and import the rest, from row 3$/);
    assert.equal(answer.body.errors[0]!.extensions!.importedRows, 2);
    assert.equal(answer.body.errors[0]!.extensions!.maxRowBytes, 64 * 1024);
    assert.ok(sent < 8 * MiB, `answered after ${(sent / MiB).toFixed(1)} MiB of 49 were sent`);
    assert.equal((await firstHire(t, tenant, "W-2")).employee.lastName, "Två");
  });

  test("a header row longer than 64 KiB → 400 saying so, nothing imported", async () => {
    const answer = await importFile(t, `firstName,${"y".repeat(70 * 1024)}\nA,B\n`, tenant.key);
    assert.equal(answer.status, 400);
    assert.equal(code(answer), "BAD_USER_INPUT");
    assert.equal(answer.body.errors[0]!.message, "The header row is longer than the limit of 64 KiB");
  });

  test("a streamed file (no Content-Length) that grows past the byte limit → 413; the complete rows before it stay imported", async () => {
    const chunks = [csv("Ström,Ett,,2027-01-04,Consultant,T-1"), `Ström,${"y".repeat(3000)},,2027-01-04,Consultant,T-2\n`];
    const body = Readable.toWeb(Readable.from(chunks.map((c) => Buffer.from(c)))) as ReadableStream;
    const answer = await importFile(limited, body, tenant.key);
    assert.equal(answer.status, 413);
    assert.match(answer.body.errors[0]!.message, /larger than the limit of 2 KiB: the first row was imported; split the file and import the rest, from row 2/);
    const first = await firstHire(t, tenant, "T-1");
    assert.equal(first.employee.firstName, "Ström");
  });
});
