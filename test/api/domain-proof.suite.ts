import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { errorCode, startTestApp, type GraphQLResponse, type TestApp } from "../support/app.js";
import { startTestDns, type TestDns } from "../support/dns.js";
import { hrTenant, mailsTo, register, type HrTenant } from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

const ADD = `mutation($domain: String!) { addVerifiedDomain(domain: $domain) { verifiedDomains } }`;
const REMOVE = `mutation($domain: String!) { removeVerifiedDomain(domain: $domain) { verifiedDomains } }`;
const TENANT = `query { tenant { verifiedDomains domainVerificationToken } }`;

/** A domain no other test uses. */
const freshDomain = (suffix = "se") => `acme-${randomBytes(4).toString("hex")}.${suffix}`;

/**
 * R12 through the HTTP endpoint: a live tenant proves a domain with a DNS TXT record, looked up on a
 * real DNS server (test/support/dns.ts) that DNS_SERVERS names; a sandbox's domains are trusted.
 */
export function domainProofSuite(label: string, environment: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>): void {
  describe(`domain proofs (R12) on ${label}`, () => {
    let t: TestApp;
    let dns: TestDns;
    let smtp: TestSmtp;
    let cleanup: () => Promise<void>;

    before(async () => {
      dns = await startTestDns();
      smtp = await startTestSmtp();
      const stores = await environment();
      cleanup = stores.cleanup;
      t = await startTestApp({ ...stores.env, DNS_SERVERS: dns.servers, SMTP_URL: smtp.url }, { jobTuning: { sweepInterval: "1 hour" } });
    });
    after(async () => {
      await t?.stop();
      await smtp?.close();
      await dns?.close();
      await cleanup?.();
    });

    const tokenOf = async (tenant: { key: string }): Promise<string> => {
      const response = await t.gql(TENANT, {}, tenant.key);
      assert.ok(response.data, JSON.stringify(response.errors));
      return response.data.tenant.domainVerificationToken;
    };
    const domainsOf = async (tenant: { key: string }): Promise<string[]> => (await t.gql(TENANT, {}, tenant.key)).data.tenant.verifiedDomains;
    /** Publishes the proof records of `tenants` for `domain`, as their DNS admins would. */
    const publishProof = async (domain: string, ...tenants: { key: string }[]) =>
      dns.setTxt(`_onboarding.${domain}`, await Promise.all(tenants.map(async (tenant) => `onboarding-verification=${await tokenOf(tenant)}`)));
    const add = (tenant: { key: string }, domain: string) => t.gql(ADD, { domain }, tenant.key);
    const live = (name = "Live AB") => hrTenant(t, { name });
    const sandbox = () => hrTenant(t, { name: "Sandbox AB", sandbox: true });
    const assertRefusedNamingRecord = (response: GraphQLResponse<unknown>, domain: string, token: string) => {
      assert.equal(errorCode(response), "BAD_USER_INPUT", JSON.stringify(response));
      const [error] = response.errors!;
      assert.ok(error!.message.includes(`_onboarding.${domain}`), error!.message);
      assert.ok(error!.message.includes(`onboarding-verification=${token}`), error!.message);
      assert.equal(error!.extensions!.recordName, `_onboarding.${domain}`);
      assert.equal(error!.extensions!.recordValue, `onboarding-verification=${token}`);
    };

    test("the tenant's HR_ADMIN reads domainVerificationToken: random, one per tenant; a PARTNER or REVIEWER key may not", async () => {
      const [a, b] = [await live("A AB"), await live("B AB")];
      const [tokenA, tokenB] = [await tokenOf(a), await tokenOf(b)];
      assert.match(tokenA, /^[0-9a-f]{32}$/);
      assert.notEqual(tokenA, tokenB);
      assert.equal(await tokenOf(a), tokenA, "the token stays the same");
      for (const role of ["PARTNER", "REVIEWER"]) {
        const key = (await t.gql(`mutation { createApiKey(input: { name: "${role}", roles: [${role}] }) { apiKey } }`, {}, a.key)).data.createApiKey.apiKey;
        const refused = await t.gql(`query { tenant { domainVerificationToken } }`, {}, key);
        assert.equal(errorCode(refused), "FORBIDDEN", role);
        assert.ok(!JSON.stringify(refused).includes(tokenA));
        assert.ok((await t.gql(`query { tenant { id verifiedDomains } }`, {}, key)).data.tenant.id, `${role} still reads the tenant`);
      }
    });

    test("a live tenant with the TXT record _onboarding.<domain> = onboarding-verification=<token> adds the domain; a hire there is CONNECTED at once, no mail (R7)", async () => {
      const tenant = await live();
      const domain = freshDomain();
      await publishProof(domain, tenant);
      const added = await add(tenant, ` ${domain.toUpperCase()} `);
      assert.deepEqual(added.data?.addVerifiedDomain.verifiedDomains, [domain], JSON.stringify(added.errors));
      const email = `Anna.${randomBytes(3).toString("hex")}@${domain.toUpperCase()}`;
      const hire = await register(t, tenant, { email, startDate: "2030-09-01" });
      assert.equal(hire.employment.connectStatus, "CONNECTED");
      assert.equal(hire.employment.invitation, null);
      assert.equal(hire.employee.user.connectAccount.method, "VERIFIED_DOMAIN");
      assert.equal(mailsTo(smtp, email).length, 0);

      const asked = dns.queries.length;
      const again = await add(tenant, domain);
      assert.deepEqual(again.data?.addVerifiedDomain.verifiedDomains, [domain], "adding it again is the same result");
      assert.equal(dns.queries.length, asked, "without a new lookup");
    });

    test("no TXT record → BAD_USER_INPUT naming _onboarding.<domain> and the value to publish; nothing added, the hire gets a mail", async () => {
      const tenant = await live();
      const domain = freshDomain();
      const refused = await add(tenant, domain);
      assertRefusedNamingRecord(refused, domain, await tokenOf(tenant));
      assert.ok(dns.queries.includes(`_onboarding.${domain}`), "the record was looked up");
      assert.deepEqual(await domainsOf(tenant), []);
      const email = `anna.${randomBytes(3).toString("hex")}@${domain}`;
      const hire = await register(t, tenant, { email, startDate: "2020-01-01" });
      assert.equal(hire.employment.connectStatus, "INVITATION_SENT", "not a verified domain: the hire is invited by mail");
    });

    test("a TXT record with another value (another tenant's token, or a typo) → BAD_USER_INPUT naming the expected value; nothing added", async () => {
      const [tenant, other] = [await live(), await live("Other AB")];
      const domain = freshDomain();
      const token = await tokenOf(tenant);
      for (const values of [[`onboarding-verification=${await tokenOf(other)}`], [`onboarding-verification=${token.slice(1)}`], ["v=spf1 -all", token]]) {
        dns.setTxt(`_onboarding.${domain}`, values);
        assertRefusedNamingRecord(await add(tenant, domain), domain, token);
      }
      assert.deepEqual(await domainsOf(tenant), []);
    });

    test("a DNS server that does not answer → BAD_USER_INPUT within seconds, naming the record; nothing added", async () => {
      const tenant = await live();
      const domain = freshDomain();
      dns.silence(`_onboarding.${domain}`);
      const started = Date.now();
      const refused = await add(tenant, domain);
      assert.ok(Date.now() - started < 8000, `answered after ${Date.now() - started} ms`);
      assertRefusedNamingRecord(refused, domain, await tokenOf(tenant));
      assert.match(refused.errors![0]!.message, /ETIMEOUT/);
      assert.deepEqual(await domainsOf(tenant), []);
    });

    test("a public suffix (com, co.uk, github.io) is refused, live or sandbox, without a lookup; a registrable domain under one is not", async () => {
      const [liveTenant, sandboxTenant] = [await live(), await sandbox()];
      for (const tenant of [liveTenant, sandboxTenant]) {
        for (const suffix of ["com", "co.uk", "github.io", "CO.UK."]) {
          const refused = await add(tenant, suffix);
          assert.equal(errorCode(refused), "BAD_USER_INPUT", `${suffix}: ${JSON.stringify(refused)}`);
          // "com" is one label, which is not a domain name to begin with
          assert.match(refused.errors![0]!.message, suffix === "com" ? /not a domain name/ : /public suffix/);
        }
      }
      assert.ok(!dns.queries.some((name) => ["_onboarding.com", "_onboarding.co.uk", "_onboarding.github.io"].includes(name)), "no lookup");
      assert.deepEqual(await domainsOf(liveTenant), []);
      assert.deepEqual(await domainsOf(sandboxTenant), []);

      const registrable = [freshDomain("co.uk"), freshDomain("github.io"), `mail.${freshDomain("co.uk")}`];
      for (const domain of registrable) {
        await publishProof(domain, liveTenant);
        const added = await add(liveTenant, domain);
        assert.ok(added.data, `${domain}: ${JSON.stringify(added.errors)}`);
      }
      assert.deepEqual(await domainsOf(liveTenant), [...registrable].sort());
    });

    test("a domain another live tenant has verified → CONFLICT, even with a proof; sandboxes neither block nor are blocked; removed, it is free again", async () => {
      const [first, second] = [await live("First AB"), await live("Second AB")];
      const domain = freshDomain();
      await publishProof(domain, first, second); // both records at the name: each tenant's proof is there
      assert.ok((await add(first, domain)).data);
      const refused = await add(second, domain);
      assert.equal(errorCode(refused), "CONFLICT", JSON.stringify(refused));
      assert.deepEqual(await domainsOf(second), []);

      const sandboxTenant = await sandbox();
      assert.deepEqual((await add(sandboxTenant, domain)).data?.addVerifiedDomain.verifiedDomains, [domain], "a sandbox may use a live tenant's domain");
      const sandboxOnly = freshDomain();
      assert.ok((await add(sandboxTenant, sandboxOnly)).data);
      assert.ok((await add(await sandbox(), sandboxOnly)).data, "sandboxes may share a domain");
      await publishProof(sandboxOnly, second);
      assert.ok((await add(second, sandboxOnly)).data, "a sandbox's domain does not block a live tenant");

      assert.ok((await t.gql(REMOVE, { domain }, first.key)).data);
      assert.deepEqual((await add(second, domain)).data?.addVerifiedDomain.verifiedDomains, [domain, sandboxOnly].sort(), "free once the first removed it");
    });

    test("two live tenants proving the same domain at the same moment: one gets it, the other CONFLICT", async () => {
      const [a, b] = [await live("Racer A"), await live("Racer B")];
      for (let round = 0; round < 10; round++) {
        const domain = freshDomain();
        await publishProof(domain, a, b);
        const answers = await Promise.all([add(a, domain), add(b, domain)]);
        const codes = answers.map((answer) => (answer.data ? "OK" : errorCode(answer))).sort();
        assert.deepEqual(codes, ["CONFLICT", "OK"], `round ${round}: ${JSON.stringify(answers)}`);
        const holders = [(await domainsOf(a)).includes(domain), (await domainsOf(b)).includes(domain)];
        assert.deepEqual(holders.filter(Boolean).length, 1, `round ${round}: one tenant holds it`);
        assert.deepEqual(holders, answers.map((answer) => Boolean(answer.data)), "the one that was answered OK");
      }
    });

    test("a sandbox tenant adds a domain without any DNS record or lookup; its hires there are CONNECTED", async () => {
      const tenant = await sandbox();
      const domain = freshDomain();
      const added = await add(tenant, domain);
      assert.deepEqual(added.data?.addVerifiedDomain.verifiedDomains, [domain], JSON.stringify(added.errors));
      assert.ok(!dns.queries.includes(`_onboarding.${domain}`), "no lookup");
      const hire = await register(t, tenant, { email: `maja@${domain}`, startDate: "2030-01-01" });
      assert.equal(hire.employment.connectStatus, "CONNECTED");
    });
  });
}
