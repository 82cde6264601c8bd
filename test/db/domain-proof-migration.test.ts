import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DataSource } from "typeorm";
import { createDataSource } from "../../src/db/data-source.js";
import { EmbeddedPostgres } from "../../src/db/embedded-postgres.js";
import { migrate } from "../../src/db/migrate.js";
import { createLogger } from "../../src/log.js";
import { errorCode, startTestApp, type TestApp } from "../support/app.js";
import { startTestDns, type TestDns } from "../support/dns.js";
import { createTenant } from "../support/fixtures.js";
import { freshDataDir, freshMysqlDatabase, freshPostgresDatabase, services } from "../support/services.js";

const log = createLogger("silent");
const TENANT = `query { tenant { sandbox verifiedDomains domainVerificationToken } }`;

/** Rows as the service wrote them before R12 (no token, no liveDomain), straight into the old schema. */
async function insertOldRows(dataSource: DataSource, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const postgres = dataSource.options.type === "postgres";
  for (const row of rows) {
    const columns = Object.keys(row);
    const placeholders = columns.map((_, i) => (postgres ? `$${i + 1}` : "?"));
    await dataSource.query(
      `INSERT INTO ${dataSource.driver.escape(table)} (${columns.map((c) => dataSource.driver.escape(c)).join(", ")}) VALUES (${placeholders.join(", ")})`,
      Object.values(row),
    );
  }
}

const tenantRow = (id: string, sandbox: boolean) => ({ id, name: id, timeZone: "Europe/Stockholm", hasEmployeeLicense: false, sandbox, createdAt: new Date("2026-01-01T00:00:00Z") });
const domainRow = (id: string, tenantId: string, domain: string, createdAt: string) => ({ id, tenantId, domain, createdAt: new Date(createdAt) });

/**
 * A database migrated to the schema before R12 holds tenants with verified domains — two live tenants
 * sharing one, as nothing stopped before — then the service starts on it and runs the migration.
 */
function migrationSuite(label: string, open: () => Promise<{ url: string; env: Record<string, string>; stop?: () => Promise<void>; cleanup: () => Promise<void> }>) {
  describe(`a database from before R12, migrated (${label})`, () => {
    let t: TestApp;
    let dns: TestDns;
    let cleanup: () => Promise<void>;
    const keys: Record<string, string> = {};

    before(async () => {
      dns = await startTestDns();
      const store = await open();
      cleanup = store.cleanup;
      const dataSource = await createDataSource(store.url);
      await dataSource.initialize();
      try {
        await migrate(dataSource, log);
        // back to the schema before R12: undo DomainProof and every migration after it
        const since = dataSource.migrations.length - dataSource.migrations.findIndex((m) => m.name?.startsWith("DomainProof"));
        for (let i = 0; i < since; i++) await dataSource.undoLastMigration({ transaction: "each" });
        await insertOldRows(dataSource, "tenant", [tenantRow("first", false), tenantRow("second", false), tenantRow("sandbox", true)]);
        await insertOldRows(dataSource, "verified_domain", [
          domainRow("d1", "second", "shared.example", "2026-02-01T00:00:00Z"),
          domainRow("d2", "first", "shared.example", "2026-01-15T00:00:00Z"),
          domainRow("d3", "sandbox", "shared.example", "2026-01-01T00:00:00Z"),
          domainRow("d4", "first", "first.example", "2026-01-15T00:00:00Z"),
        ]);
      } finally {
        await dataSource.destroy();
        await store.stop?.();
      }
      t = await startTestApp({ ...store.env, DNS_SERVERS: dns.servers });
      for (const id of ["first", "second", "sandbox"]) keys[id] = await t.app.services.apiKeys.issue(t.app.dataSource.manager, id, "HR", ["HR_ADMIN"]);
    });
    after(async () => {
      await t?.stop();
      await dns?.close();
      await cleanup?.();
    });

    const tenantOf = async (id: string) => (await t.gql(TENANT, {}, keys[id])).data.tenant;

    test("every existing tenant gets a random domainVerificationToken of its own; domains verified before stay verified", async () => {
      const tenants = await Promise.all(["first", "second", "sandbox"].map(tenantOf));
      for (const tenant of tenants) assert.match(tenant.domainVerificationToken, /^[0-9a-f]{32}$/);
      assert.equal(new Set(tenants.map((tenant) => tenant.domainVerificationToken)).size, 3);
      assert.deepEqual(tenants.map((tenant) => tenant.verifiedDomains), [["first.example", "shared.example"], ["shared.example"], ["shared.example"]]);
    });

    test("a domain live tenants verified before → CONFLICT for a new live tenant, also after the first holder removed it", async () => {
      const newcomer = await createTenant(t, { name: "Newcomer AB" });
      const token = (await t.gql(TENANT, {}, newcomer.key)).data.tenant.domainVerificationToken;
      dns.setTxt("_onboarding.shared.example", [`onboarding-verification=${token}`]);
      const add = () => t.gql(`mutation { addVerifiedDomain(domain: "shared.example") { verifiedDomains } }`, {}, newcomer.key);
      assert.equal(errorCode(await add()), "CONFLICT");
      assert.ok((await t.gql(`mutation { removeVerifiedDomain(domain: "shared.example") { id } }`, {}, keys.first)).data);
      assert.equal(errorCode(await add()), "CONFLICT", "the second live tenant still has it");
      assert.ok((await t.gql(`mutation { removeVerifiedDomain(domain: "shared.example") { id } }`, {}, keys.second)).data);
      assert.deepEqual((await add()).data?.addVerifiedDomain.verifiedDomains, ["shared.example"], "free once no live tenant has it");
    });
  });
}

migrationSuite("MariaDB", async () => {
  const db = await freshMysqlDatabase();
  return { url: db.url, env: { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) }, cleanup: db.drop };
});

migrationSuite("PostgreSQL", async () => {
  const db = await freshPostgresDatabase();
  return { url: db.url, env: { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) }, cleanup: db.drop };
});

migrationSuite("the embedded database", async () => {
  const data = await freshDataDir();
  const embedded = await EmbeddedPostgres.start(data.dir, log);
  return { url: embedded.url, env: { DATA_DIR: data.dir }, stop: () => embedded.stop(), cleanup: data.remove };
});
