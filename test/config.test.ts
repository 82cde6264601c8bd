import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { loadConfig } from "../src/config.js";
import { projectRoot } from "../src/paths.js";

test("defaults: port 4000, embedded stores, role all, links on localhost", () => {
  const config = loadConfig({});
  assert.equal(config.port, 4000);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.jobsUrl, undefined);
  assert.equal(config.role, "all");
  assert.equal(config.workerNice, 10, "a ROLE=worker process lowers its CPU priority");
  assert.equal(config.publicBaseUrl, "http://localhost:4000");
  assert.equal(config.dataDir, path.resolve(".data"));
  assert.equal(config.smtpSendTimeoutMs, 60_000);
  assert.equal(config.sendLeaseMs, 120_000, "a claim outlasts the longest send by 60 s");
  assert.equal(loadConfig({ SMTP_SEND_TIMEOUT_SECONDS: "20", SEND_LEASE_SECONDS: "50" }).sendLeaseMs, 50_000);
  assert.equal(config.sendRetryMs, 72 * 3_600_000, "temporary refusals are retried for 72 hours (R10)");
  assert.equal(loadConfig({ SEND_RETRY_HOURS: "24" }).sendRetryMs, 24 * 3_600_000);
});

test("a wrong value names the variable and what it allows", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: "http" }, /PORT must be an integer from 0 to 65535 \(got "http"\)/],
    [{ SEND_RETRY_HOURS: "0" }, /SEND_RETRY_HOURS must be a whole number above 0/],
    [{ SEND_RETRY_HOURS: "3 days" }, /SEND_RETRY_HOURS must be a whole number above 0/],
    [{ PORT: "70000" }, /PORT must be an integer/],
    [{ DATABASE_URL: "sqlite://x.db" }, /DATABASE_URL must be a URL starting with mysql:\/\//],
    [{ JOBS_URL: "amqp://localhost" }, /JOBS_URL must be a URL starting with mongodb:\/\//],
    [{ SMTP_URL: "localhost:25" }, /SMTP_URL must be a URL starting with smtp:\/\//],
    [{ ROLE: "web" }, /ROLE must be all, api or worker/],
    [{ OPERATOR_API_KEY: "short" }, /OPERATOR_API_KEY must be at least 32 characters/],
    [{ PUBLIC_BASE_URL: "example.com" }, /PUBLIC_BASE_URL must be a URL starting with http:\/\//],
    [{ MAIL_FROM: "nobody" }, /MAIL_FROM must be an address/],
    [{ WORKER_NICE: "20" }, /WORKER_NICE must be a nice value from 0 to 19/],
    [{ WORKER_NICE: "-5" }, /WORKER_NICE must be a nice value from 0 to 19/],
    [{ SEND_LEASE_SECONDS: "60" }, /SEND_LEASE_SECONDS \(60\) must be at least SMTP_SEND_TIMEOUT_SECONDS \(60\) \+ 30/],
    [{ SMTP_SEND_TIMEOUT_SECONDS: "100" }, /SEND_LEASE_SECONDS \(120\) must be at least SMTP_SEND_TIMEOUT_SECONDS \(100\) \+ 30/],
    [{ DNS_SERVERS: "dns.google:53" }, /DNS_SERVERS must be IP addresses with an optional port, comma-separated.*\(got "dns.google:53"\)/],
    [{ DNS_SERVERS: "127.0.0.1:70000" }, /DNS_SERVERS must be IP addresses/],
    [{ DNS_SERVERS: "127.0.0.1:53,,10.0.0.1" }, /DNS_SERVERS must be IP addresses/],
    [{ DNS_SERVERS: "::1:53]" }, /DNS_SERVERS must be IP addresses/],
    [{ WEBHOOK_ALLOW_PRIVATE_TARGETS: "yes" }, /WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), { name: "ConfigError", message }, JSON.stringify(env));
  }
});

test("DNS_SERVERS: the system's resolvers by default; else IP addresses with ports (53 unless given), IPv6 in brackets", () => {
  assert.equal(loadConfig({}).dnsServers, undefined);
  assert.equal(loadConfig({ DNS_SERVERS: " " }).dnsServers, undefined);
  assert.deepEqual(loadConfig({ DNS_SERVERS: "127.0.0.1:5353" }).dnsServers, ["127.0.0.1:5353"]);
  assert.deepEqual(loadConfig({ DNS_SERVERS: "192.0.2.53, [2001:db8::53]:5300,2001:db8::1" }).dnsServers, [
    "192.0.2.53:53",
    "[2001:db8::53]:5300",
    "[2001:db8::1]:53",
  ]);
});

test("a key is never echoed in a configuration error", () => {
  assert.throws(() => loadConfig({ OPERATOR_API_KEY: "secret-but-short" }), (error: Error) => !error.message.includes("secret-but-short"));
});

test("a password in a URL is never echoed", () => {
  assert.throws(() => loadConfig({ DATABASE_URL: "sqlite://user:hunter2@host/db" }), (error: Error) => !error.message.includes("hunter2"));
});

test("WEBHOOK_ALLOW_PRIVATE_TARGETS: off unless true", () => {
  assert.equal(loadConfig({}).webhookAllowPrivateTargets, false);
  assert.equal(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "false" }).webhookAllowPrivateTargets, false);
  assert.equal(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" }).webhookAllowPrivateTargets, true);
});

test("separate api and worker processes need shared stores, not the embedded ones", () => {
  assert.throws(() => loadConfig({ ROLE: "worker" }), /ROLE=worker needs DATABASE_URL and JOBS_URL/);
  assert.equal(loadConfig({ ROLE: "api", DATABASE_URL: "mysql://root@db/app", JOBS_URL: "mongodb://jobs/app" }).role, "api");
});

test("the server refuses to start on a bad value, with one clear line and exit code 78", () => {
  const result = spawnSync(process.execPath, [path.join(projectRoot, "dist/src/main.js")], {
    env: { ...process.env, PORT: "not-a-port", DATA_DIR: "/nonexistent/never-created" },
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(result.status, 78);
  assert.equal(result.stderr.trim(), 'Invalid configuration: PORT must be an integer from 0 to 65535 (got "not-a-port")');
});
