import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { DateTime } from "luxon";
import { startTestApp, type TestApp } from "../support/app.js";
import { statementsDuring } from "../support/statements.js";
import { ACCOUNT_STATUS, address, hrTenant, register } from "../support/hires.js";
import { freshMysqlDatabase, services } from "../support/services.js";

let t: TestApp;
let drop: () => Promise<void>;
before(async () => {
  const db = await freshMysqlDatabase();
  drop = db.drop;
  t = await startTestApp({ DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40), API_KEY_CACHE_SECONDS: "1" });
});
after(async () => {
  await t?.stop();
  await drop?.();
});

/** A start date far enough ahead to be sent later (about 13 months from now), whatever year the test runs in. */
const LATER_START = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);
/** When its invitation goes out: 09:00 in the tenant's zone on the day before (R3). */
const sendAtIn = (zone: string) => DateTime.fromISO(LATER_START, { zone }).minus({ days: 1 }).set({ hour: 9 }).toJSDate().toISOString();


test("the HR list — 50 invitations with their employee, user and employment — takes a constant number of SQL statements (≤ 3)", async () => {
  const tenant = await hrTenant(t);
  const rows = Array.from({ length: 60 }, (_, i) => ({
    firstName: `Hire${i}`,
    lastName: "Berg",
    email: address(`list${i}`),
    startDate: LATER_START,
    employmentTemplateId: tenant.templateId,
  }));
  await t.gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`, { rows }, tenant.key);

  const list = `{ invitations(first: 50) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id email status sendAt employee { firstName lastName email user { id email } } employment { id startDate } } } } }`;
  let answer: any;
  const statements = await statementsDuring(t, async () => (answer = await t.gql(list, {}, tenant.key)));
  assert.equal(answer.data.invitations.edges.length, 50);
  assert.equal(answer.data.invitations.totalCount, 60);
  const first = answer.data.invitations.edges[0].node;
  assert.match(first.employee.firstName, /^Hire\d+$/);
  assert.equal(first.employee.user.email, first.email);
  assert.equal(first.employment.startDate, LATER_START);
  assert.ok(statements.length <= 3, `${statements.length} statements:\n${statements.join("\n")}`);

  const next = await statementsDuring(t, () => t.gql(list.replace("first: 50", `first: 50, after: "${answer.data.invitations.pageInfo.endCursor}"`), {}, tenant.key));
  assert.ok(next.length <= 3, "the next page too");
});

test("accountStatus, the query clients poll, takes one SQL statement (two when its key is new to the process)", async () => {
  const tenant = await hrTenant(t);
  const email = address("polled");
  const registered = await t.gql(
    `mutation($input: RegisterHireInput!) { registerHire(input: $input) { employee { id } } }`,
    { input: { firstName: "Anna", lastName: "Berg", email, startDate: LATER_START, employmentTemplateId: tenant.templateId } },
    tenant.key,
  );
  const id = registered.data.registerHire.employee.id;
  const ask = () => t.gql(`query($id: ID!) { accountStatus(employeeId: $id) { employeeId connectStatus email invitation { status sendAt } connectAccount { id } } }`, { id }, tenant.key);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // API_KEY_CACHE_SECONDS=1: the key is forgotten
  const first = await statementsDuring(t, ask);
  assert.equal(first.length, 2, `the key with its tenant, then the hire:\n${first.join("\n")}`);
  let answer: any;
  const statements = await statementsDuring(t, async () => (answer = await ask()));
  assert.deepEqual(answer.data.accountStatus, {
    employeeId: id,
    connectStatus: "INVITATION_SCHEDULED",
    email,
    invitation: { status: "SCHEDULED", sendAt: sendAtIn("Europe/Stockholm") },
    connectAccount: null,
  });
  assert.equal(statements.length, 1, `the key is remembered; employment, employee, user, account, invitation and tenant in one join:\n${statements.join("\n")}`);
});

test("accountStatus requests that arrive together, of several tenants, share one statement, and each sees only its own tenant's hires", async () => {
  const tenants = [await hrTenant(t), await hrTenant(t, { timeZone: "America/New_York" })];
  const hires = await Promise.all(
    tenants.map(async (tenant, n) => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await register(t, tenant, { email: address(`together${n}-${i}`), startDate: LATER_START })).employee.id);
      return ids;
    }),
  );
  const [[a0, a1, a2], [b0, b1, b2]] = hires as [string[], string[]];
  const asked: [number, string][] = [[0, a0!], [1, b0!], [0, a1!], [1, b1!], [0, b2!], [1, a2!], [0, a0!], [1, a0!], [1, "no-such-employee"]];
  const expected = (tenant: number, id: string) => (hires[tenant]!.includes(id) ? id : null);

  // over HTTP, all at once: every answer is the caller's own hire, or NOT_FOUND for another tenant's
  const answers = await Promise.all(asked.map(([tenant, id]) => t.gql(ACCOUNT_STATUS, { id }, tenants[tenant]!.key)));
  answers.forEach((answer: any, i) => {
    const [tenant, id] = asked[i]!;
    if (expected(tenant, id)) {
      assert.equal(answer.data?.accountStatus.employeeId, id, `request ${i}`);
      assert.equal(answer.data.accountStatus.invitation.sendAt, sendAtIn(tenant === 0 ? "Europe/Stockholm" : "America/New_York"), "09:00 in the tenant's own zone");
    } else {
      assert.equal(answer.errors?.[0]?.extensions?.code, "NOT_FOUND", `request ${i}: ${JSON.stringify(answer)}`);
    }
  });

  // the same reads in one turn of the event loop: one statement for all of them
  const queries = t.app.services.queries;
  let statuses: any[] = [];
  const statements = await statementsDuring(t, async () => {
    statuses = await Promise.all(asked.map(([tenant, id]) => queries.accountStatus(t.app.services.scope(tenants[tenant]!.id), id)));
  });
  assert.deepEqual(
    statuses.map((status) => status?.employee.id ?? null),
    asked.map(([tenant, id]) => expected(tenant, id)),
  );
  assert.equal(statements.length, 1, statements.join("\n"));
});
