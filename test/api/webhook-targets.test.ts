import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startOn, errorCode, type TestApp } from "../support/app.js";
import { startTestDns, type TestDns } from "../support/dns.js";
import { address, register, sandboxTenant } from "../support/hires.js";
import { freshDataDir } from "../support/services.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const CREATE = `mutation($url: String!) { createWebhookEndpoint(input: { url: $url }) { endpoint { id } secret } }`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(endpointId: $id) { totalCount edges { node { status attempts lastResponseStatus } } } }`;

/** R11, no server-side request forgery: without WEBHOOK_ALLOW_PRIVATE_TARGETS, only public addresses, also after DNS. */
describe("webhook targets must be public (SSRF)", () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let dns: TestDns;
  let receiver: WebhookReceiver;
  let stop: () => Promise<void>;

  before(async () => {
    smtp = await startTestSmtp();
    dns = await startTestDns();
    receiver = await startWebhookReceiver();
    const environment = async () => {
      const data = await freshDataDir();
      return { env: { DATA_DIR: data.dir }, cleanup: data.remove };
    };
    ({ t, stop } = await startOn(environment, smtp, { env: { DNS_SERVERS: dns.servers }, webhookRelay: { pollMs: 200 } }));
  });
  after(async () => {
    await stop?.();
    await receiver?.close();
    await dns?.close();
    await smtp?.close();
  });

  test("loopback, private, link-local, unique-local, metadata and mapped addresses are refused at creation (BAD_USER_INPUT)", async () => {
    const tenant = await sandboxTenant(t, "2026-03-25T13:00:00Z");
    const refused = [
      receiver.url("loopback"),
      "http://[::1]/hook",
      "http://[::ffff:127.0.0.1]/hook",
      "http://0.0.0.0/hook",
      "http://10.1.2.3/hook",
      "http://172.16.0.1/hook",
      "http://192.168.1.1/hook",
      "http://100.64.0.1/hook",
      "http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/latest/meta-data/",
      "http://[fe80::1]/hook",
      "http://localhost/hook",
    ];
    for (const url of refused) {
      const answer = await t.gql(CREATE, { url }, tenant.key);
      assert.equal(errorCode(answer), "BAD_USER_INPUT", `${url}: ${JSON.stringify(answer)}`);
    }
    assert.deepEqual((await t.gql(`query { webhookEndpoints { id } }`, {}, tenant.key)).data.webhookEndpoints, [], "nothing was created");
  });

  test("a name that resolves to 127.0.0.1 is refused at creation", async () => {
    const tenant = await sandboxTenant(t, "2026-03-25T13:00:00Z");
    dns.setAddresses("internal.partner.example", ["127.0.0.1"]);
    const answer = await t.gql(CREATE, { url: `http://internal.partner.example:${receiver.port}/hook` }, tenant.key);
    assert.equal(errorCode(answer), "BAD_USER_INPUT");
    assert.match(answer.errors![0]!.message, /internal\.partner\.example resolves to 127\.0\.0\.1/);
    dns.setAddresses("mixed.partner.example", ["93.184.215.14", "10.0.0.7"]);
    assert.equal(errorCode(await t.gql(CREATE, { url: "http://mixed.partner.example/hook" }, tenant.key)), "BAD_USER_INPUT", "one private address among public ones");
  });

  test("a name that pointed to a public address and now resolves to 127.0.0.1 is refused at delivery (DNS rebinding): nothing reaches it", async () => {
    const tenant = await sandboxTenant(t, "2026-03-25T13:00:00Z");
    dns.setAddresses("rebind.partner.example", ["93.184.215.14"]);
    const created = await t.gql(CREATE, { url: `http://rebind.partner.example:${receiver.port}/rebind` }, tenant.key);
    assert.ok(created.data, JSON.stringify(created.errors));
    const id = created.data.createWebhookEndpoint.endpoint.id;
    dns.setAddresses("rebind.partner.example", ["127.0.0.1"]);
    await register(t, tenant, { email: address("rebind"), startDate: "2026-04-20" });
    const until = Date.now() + 15_000;
    let node: { status: string; attempts: number; lastResponseStatus: number | null } | undefined;
    while (Date.now() < until) {
      node = (await t.gql(DELIVERIES, { id }, tenant.key)).data.webhookDeliveries.edges.find((e: any) => e.node.attempts > 0)?.node;
      if (node) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(node, "an attempt was made");
    assert.deepEqual(node, { status: "PENDING", attempts: node.attempts, lastResponseStatus: null });
    assert.equal(receiver.at("rebind").length, 0, "the receiver on 127.0.0.1 got nothing");
  });
});
