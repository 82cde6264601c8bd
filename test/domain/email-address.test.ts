import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { EmailAddressResolver } from "graphql-scalars";
import { emailAddressProblem, isEmailAddress, MAX_EMAIL_ADDRESS } from "../../src/domain/email-address.js";

/** What the API can give back: graphql-scalars' EmailAddress serializes it. */
function scalarReturns(address: string): boolean {
  try {
    EmailAddressResolver.serialize(address);
    return true;
  } catch {
    return false;
  }
}

const local64 = "a".repeat(64);
/** local@domain of exactly `length` characters, every label at most 63. */
function addressOf(length: number): string {
  const domainLength = length - local64.length - 1;
  const labels: string[] = [];
  let left = domainLength;
  while (left > 0) {
    const label = Math.min(63, left === 64 ? 62 : left); // never leave a lone dot
    labels.push("b".repeat(label));
    left -= label + 1;
  }
  const address = `${local64}@${labels.join(".")}`;
  assert.equal(address.length, length);
  return address;
}

const table: [string, string][] = [
  ["a plain address", "anna.berg@example.com"],
  ["plus, apostrophe and the other specials of the standard", "o'brien+hr!#$%&*/=?^_`{|}~-@example.com"],
  ["upper case", "Anna@ACME.se"],
  ["a domain of one label (the standard allows it)", "anna@localhost"],
  ["254 characters", addressOf(254)],
  ["255 characters", addressOf(255)],
  ["320 characters", addressOf(320)],
  ["a quoted local part", '"anna berg"@example.com'],
  ["a quoted local part with CR LF", '"anna\r\nbcc: x"@example.com'],
  ["a zero-width space", "anna\u200b@example.com"],
  ["a right-to-left override", "anna\u202e@example.com"],
  ["a NUL", "anna\u0000@example.com"],
  ["non-ASCII letters", "åsa@example.com"],
  ["an IDN domain in Unicode", "anna@exämple.com"],
  ["a space", "anna berg@example.com"],
  ["no @", "anna.example.com"],
  ["two @", "anna@acme.se@evil.com"],
  ["a label of 64", `anna@${"b".repeat(64)}.com`],
  ["a label starting with a hyphen", "anna@-acme.se"],
  ["a trailing dot", "anna@acme.se."],
  ["empty", ""],
];

describe("one address rule: accepted iff the EmailAddress scalar returns it and it has at most 254 characters", () => {
  for (const [what, address] of table) {
    test(`${what} → ${isEmailAddress(address) ? "accepted" : "refused"}`, () => {
      assert.equal(isEmailAddress(address), scalarReturns(address) && address.length <= MAX_EMAIL_ADDRESS);
      assert.equal(emailAddressProblem(address) === null, isEmailAddress(address));
    });
  }

  test("the refusals it was made for: quoted, CR/LF, invisible and over-long addresses", () => {
    for (const address of ['"anna berg"@example.com', '"a\r\nb"@example.com', "anna\u200b@example.com", "anna\u202e@example.com", addressOf(255), addressOf(320)]) {
      assert.equal(isEmailAddress(address), false, JSON.stringify(address));
    }
    assert.equal(isEmailAddress(addressOf(254)), true);
  });

  test("the refusal names the field and says what to fix, without repeating the address", () => {
    assert.match(emailAddressProblem(addressOf(320))!, /^email must be at most 254 characters \(got 320\)$/);
    const problem = emailAddressProblem('"anna berg"@example.com', "newEmail")!;
    assert.match(problem, /^newEmail is not an e-mail address/);
    assert.doesNotMatch(problem, /anna berg/);
  });
});
