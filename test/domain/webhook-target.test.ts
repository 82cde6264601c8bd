import { test } from "node:test";
import assert from "node:assert/strict";
import { publicAddressProblem, webhookUrlProblem } from "../../src/domain/webhook-target.js";

const strict = { production: true, allowPrivate: false };

test("in production only https; outside it http too", () => {
  assert.equal(webhookUrlProblem("https://hooks.partner.example/onboarding", strict), null);
  assert.match(webhookUrlProblem("http://hooks.partner.example/onboarding", strict)!, /https/);
  assert.equal(webhookUrlProblem("http://hooks.partner.example/onboarding", { production: false, allowPrivate: false }), null);
  assert.match(webhookUrlProblem("ftp://hooks.partner.example/", { production: false, allowPrivate: false })!, /https/);
  assert.match(webhookUrlProblem("not a url", strict)!, /Not a URL/);
  assert.match(webhookUrlProblem("https://user:pw@hooks.partner.example/", strict)!, /user name/);
});

test("non-public addresses are refused unless private targets are allowed", () => {
  const refused = ["127.0.0.1", "::1", "::ffff:127.0.0.1", "0.0.0.0", "10.0.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254", "fd00:ec2::254", "fc00::1", "fe80::1", "100.64.0.1", "224.0.0.1", "255.255.255.255", "192.0.2.1", "64:ff9b::7f00:1"];
  for (const address of refused) {
    assert.ok(publicAddressProblem(address, { allowPrivate: false }), address);
    assert.equal(publicAddressProblem(address, { allowPrivate: true }), null, address);
  }
  for (const address of ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"]) assert.equal(publicAddressProblem(address, { allowPrivate: false }), null, address);
  assert.match(webhookUrlProblem("https://169.254.169.254/latest/meta-data/", strict)!, /not a public address/);
  assert.match(webhookUrlProblem("https://[fd00:ec2::254]/", strict)!, /not a public address/);
  assert.match(webhookUrlProblem("https://localhost/", strict)!, /local name/);
  assert.equal(webhookUrlProblem("http://127.0.0.1:8080/", { production: false, allowPrivate: true }), null);
});
