import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { hasProof, isPublicSuffix, proofRecordFor } from "../../src/domain/domain-ownership.js";

describe("isPublicSuffix", () => {
  const rows: [string, boolean, string][] = [
    ["com", true, "a top-level domain"],
    ["se", true, "a country's top-level domain"],
    ["co.uk", true, "a public suffix of two labels (ICANN section)"],
    ["github.io", true, "a private-section suffix: anyone gets names under it"],
    ["blogspot.com", true, "another private-section suffix"],
    ["acme.se", false, "a registrable domain"],
    ["acme.co.uk", false, "registrable under a two-label suffix"],
    ["acme.github.io", false, "registrable under a private suffix"],
    ["mail.acme.se", false, "a subdomain of a registrable domain"],
    ["gmail.com", false, "registrable (its proof is what keeps others out)"],
    ["acme.internal", false, "under a top-level domain the list does not know"],
  ];
  for (const [domain, expected, why] of rows) {
    test(`${domain} → ${expected ? "public suffix, refused" : "may be owned"} (${why})`, () => {
      assert.equal(isPublicSuffix(domain), expected);
    });
  }
});

describe("the proof record", () => {
  const proof = proofRecordFor("acme.se", "0123abcd");

  test("is the TXT record _onboarding.<domain> = onboarding-verification=<token>", () => {
    assert.deepEqual(proof, { name: "_onboarding.acme.se", value: "onboarding-verification=0123abcd" });
  });

  const rows: [string, string[][], boolean][] = [
    ["no records", [], false],
    ["the value", [["onboarding-verification=0123abcd"]], true],
    ["the value among other records", [["v=spf1 -all"], ["onboarding-verification=0123abcd"]], true],
    ["the value split into character-strings", [["onboarding-verif", "ication=0123abcd"]], true],
    ["the value with surrounding spaces", [[" onboarding-verification=0123abcd "]], true],
    ["another token", [["onboarding-verification=ffff"]], false],
    ["a longer token", [["onboarding-verification=0123abcdX"]], false],
    ["the token alone", [["0123abcd"]], false],
    ["another case", [["ONBOARDING-VERIFICATION=0123ABCD"]], false],
  ];
  for (const [what, records, expected] of rows) {
    test(`${what} → ${expected ? "proven" : "not proven"}`, () => {
      assert.equal(hasProof(records, proof), expected);
    });
  }
});
