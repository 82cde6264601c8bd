import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { projectRoot } from "../../src/paths.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { hrTenant, type HrTenant } from "../support/hires.js";
import { freshDataDir, freshMysqlDatabase, services } from "../support/services.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run import -- …` as a user runs it: a real child process, its own environment. */
function runImport(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { ONBOARDING_URL: _url, ONBOARDING_API_KEY: _key, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(projectRoot, "dist/src/cli/import.js"), ...args], { cwd: projectRoot, env: { ...inherited, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** A port nothing listens on (one the system just gave out and took back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("npm run import -- FILE: the command-line client", () => {
  let t: TestApp;
  let tenant: HrTenant;
  let dir: string;
  let cleanUp: () => Promise<void>;

  before(async () => {
    const db = await freshMysqlDatabase();
    const data = await freshDataDir();
    dir = data.dir;
    t = await startTestApp({ DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40), DATA_DIR: data.dir });
    tenant = await hrTenant(t);
    cleanUp = async () => {
      await t?.stop();
      await db.drop();
      await data.remove();
    };
  });
  after(() => cleanUp?.());

  test("the example file: every row imported, the repeated externalId unchanged → exit 0", async () => {
    const run = await runImport(["examples/hires.csv", "--url", t.url, "--key", tenant.key]);
    assert.equal(run.stdout, "created 13, unchanged 1, failed 0\n");
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^sent hires\.csv \(\d+(\.\d)? (B|KiB)\)\n$/, "without a terminal, one line instead of a progress bar");
  });

  test("the same file again: the rows with an externalId are unchanged", async () => {
    const run = await runImport(["examples/hires.csv", "--url", t.url, "--key", tenant.key]);
    assert.equal(run.stdout, "created 1, unchanged 13, failed 0\n", "only the row without an externalId is registered again");
    assert.equal(run.code, 0, run.stderr);
  });

  test("failed rows are listed with row and field → exit 2 (URL and key from the environment)", async () => {
    const file = path.join(dir, "with-errors.csv");
    await writeFile(
      file,
      "firstName,lastName,email,startDate,employmentTemplate,externalId\n" +
        "Karin,Berg,,2027-01-04,Consultant,C-1\n" +
        "Olle,Falk,,2027-02-30,Consultant,C-2\n" +
        "Stina,Hed,,2027-01-04,Intern,C-3\n",
    );
    const run = await runImport([file], { ONBOARDING_URL: t.url, ONBOARDING_API_KEY: tenant.key });
    assert.equal(run.code, 2, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assert.equal(lines[0], "created 1, unchanged 0, failed 2");
    assert.match(lines[1]!, /^row 2, startDate: /);
    assert.match(lines[2]!, /^row 3, employmentTemplate: .*Intern/);
    assert.equal(lines.length, 3);
  });

  test("cell text the service quotes is printed with its control characters escaped: a file cannot drive the terminal", async () => {
    const hostile = "\x1b]0;pwned\x07\x1b[2J\x9b31mIntern\x7f";
    const file = path.join(dir, "escapes.csv");
    await writeFile(file, `firstName,lastName,email,startDate,employmentTemplate,externalId\nKarin,Berg,,2027-01-04,${hostile},E-1\n`);
    const run = await runImport([file, "--url", t.url, "--key", tenant.key]);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout.split("\n")[1], String.raw`row 1, employmentTemplate: No employment template "\x1b]0;pwned\x07\x1b[2J\x9b31mIntern\x7f"`);
    assert.doesNotMatch(run.stdout, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/, "nothing but line ends among the control characters");

    const header = path.join(dir, "escapes-header.csv");
    await writeFile(header, `firstName,lastName,startDate,employmentTemplate,\x9b2J\x1b[31mRed\nA,B,2027-01-04,Consultant,x\n`);
    const refused = await runImport([header, "--url", t.url, "--key", tenant.key]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /unknown columns "\\x9b2J\\u001b\[31mRed"/);
    assert.doesNotMatch(refused.stderr, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  });

  test("no API key → exit 1 and says how to give one", async () => {
    const run = await runImport(["examples/hires.csv", "--url", t.url]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--key KEY or set ONBOARDING_API_KEY/);
    assert.equal(run.stdout, "");
  });

  test("a key the service refuses → exit 1 with the service's message", async () => {
    const run = await runImport(["examples/hires.csv", "--url", t.url, "--key", "obk_not-a-real-key"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /HTTP 401, UNAUTHENTICATED\): The API key is not valid/);
  });

  test("a file the service refuses → exit 1 with the service's message", async () => {
    const file = path.join(dir, "wrong-columns.csv");
    await writeFile(file, "name,start\nKarin Berg,2027-01-04\n");
    const run = await runImport([file, "--url", t.url, "--key", tenant.key]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /HTTP 400, BAD_USER_INPUT\): The header row has unknown columns "name", "start"/);
  });

  test("no service at the URL → exit 1", async () => {
    const port = await closedPort();
    const run = await runImport(["examples/hires.csv", "--url", `http://127.0.0.1:${port}`, "--key", tenant.key]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`Import failed: could not send examples/hires.csv to http://127.0.0.1:${port}: ECONNREFUSED`));
  });

  test("no file named → exit 1 with the usage", async () => {
    const run = await runImport([]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /usage: npm run import -- FILE \[--url URL\] \[--key KEY\]/);
  });
});
