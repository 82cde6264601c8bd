import { test } from "node:test";
import assert from "node:assert/strict";
import { maskEmail } from "../../src/domain/hire-status.js";
import { pickLanguage, renderVerifyPage, renderVerifyResult, type PageLanguage } from "../../src/http/verify-page.js";

const valid = {
  language: "sv" as PageLanguage,
  token: "tok_123-abc",
  state: "VALID" as const,
  maskedEmail: "a***@acme.se",
  expiresAt: new Date("2026-03-29T22:00:00Z"),
  timeZone: "Europe/Stockholm",
};

test("a valid link shows the masked address, until when it works, and a form that posts the token to /verify", () => {
  const html = renderVerifyPage(valid);
  assert.match(html, /<main id="state" data-state="VALID">/);
  assert.match(html, /<strong id="masked-email">a\*\*\*@acme\.se<\/strong>/);
  assert.match(html, /till och med söndag 29 mars 2026/);
  assert.match(html, /<form method="post" action="\/verify">/);
  assert.match(html, /<input type="hidden" name="token" value="tok_123-abc">/);
  assert.match(html, /<input type="hidden" name="lang" value="sv">/);
  assert.match(html, /<button type="submit" id="confirm">Skapa mitt konto<\/button>/);
});

test("the page never shows the full address", () => {
  const html = renderVerifyPage({ ...valid, maskedEmail: maskEmail("anna.berg@acme.se") });
  assert.match(html, /a\*\*\*@acme\.se/);
  assert.doesNotMatch(html, /anna\.berg/);
});


test("an English page is in English and its form keeps the language", () => {
  const html = renderVerifyPage({ ...valid, language: "en" });
  assert.match(html, /<html lang="en">/);
  assert.match(html, /until the end of Sunday 29 March 2026/);
  assert.match(html, /<input type="hidden" name="lang" value="en">/);
  assert.match(html, /id="confirm">Create my account</);
});

test("the language switch keeps the token", () => {
  assert.match(renderVerifyPage(valid), /<a id="language-switch" href="\/verify\?token=tok_123-abc&amp;lang=en"/);
  assert.match(renderVerifyPage({ ...valid, language: "en" }), /href="\/verify\?token=tok_123-abc&amp;lang=sv"/);
});

test("an expired link says so and to ask HR for a new invitation, without a form", () => {
  const html = renderVerifyPage({ ...valid, state: "EXPIRED", maskedEmail: null, expiresAt: null, timeZone: null });
  assert.match(html, /data-state="EXPIRED"/);
  assert.match(html, /Länken har slutat gälla/);
  assert.match(html, /Be HR skicka en ny inbjudan/);
  assert.doesNotMatch(html, /<form/);
  assert.doesNotMatch(html, /id="confirm"/);
});

test("a used link says the account exists and to log in", () => {
  const html = renderVerifyPage({ ...valid, language: "en", state: "USED", maskedEmail: null, expiresAt: null, timeZone: null });
  assert.match(html, /data-state="USED"/);
  assert.match(html, /already been used/);
  assert.match(html, /Log in/);
  assert.doesNotMatch(html, /<form/);
});

test("an invalid link says it is unknown or replaced and to ask HR", () => {
  const html = renderVerifyPage({ ...valid, state: "INVALID", maskedEmail: null, expiresAt: null, timeZone: null });
  assert.match(html, /data-state="INVALID"/);
  assert.match(html, /ersatts av en nyare inbjudan/);
  assert.match(html, /be HR skicka en ny inbjudan/);
  assert.doesNotMatch(html, /<form/);
});

test("every page is a complete, unindexed html document", () => {
  for (const html of [
    renderVerifyPage(valid),
    renderVerifyPage({ ...valid, state: "INVALID" }),
    renderVerifyResult({ language: "en", outcome: "CONNECTED", email: "anna@acme.se" }),
  ]) {
    assert.match(html, /^<!DOCTYPE html>\n<html lang="(sv|en)">/);
    assert.match(html, /<meta charset="utf-8">/);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(html, /<meta name="robots" content="noindex">/);
    assert.match(html, /<title>[^<]+<\/title>/);
    assert.match(html, /<\/html>\n$/);
  }
});

test("values are escaped everywhere", () => {
  const html = renderVerifyPage({ ...valid, token: `"><script>x</script>`, maskedEmail: `<b>@acme.se` });
  assert.doesNotMatch(html, /<script>/);
  assert.doesNotMatch(html, /<b>/);
  assert.match(html, /value="&quot;&gt;&lt;script&gt;x&lt;\/script&gt;"/);
  assert.match(html, /href="\/verify\?token=%22%3E%3Cscript%3Ex%3C%2Fscript%3E&amp;lang=en"/);
  const result = renderVerifyResult({ language: "sv", outcome: "CONNECTED", email: `<i>@x.se` });
  assert.doesNotMatch(result, /<i>/);
});

test("each confirmation outcome renders its own explanation", () => {
  const cases = [
    ["CONNECTED", /Ditt konto är klart[\s\S]*Logga in med <strong id="email">anna@acme\.se<\/strong>/],
    ["LINK_EXPIRED", /Länken har slutat gälla/],
    ["LINK_USED", /Kontot finns redan/],
    ["LINK_INVALID", /Länken fungerar inte/],
    ["RATE_LIMITED", /För många försök/],
    ["ERROR", /Något gick fel/],
  ] as const;
  for (const [outcome, explanation] of cases) {
    const html = renderVerifyResult({ language: "sv", outcome, email: "anna@acme.se" });
    assert.match(html, new RegExp(`<main id="result" data-outcome="${outcome}">`));
    assert.match(html, explanation, outcome);
  }
  assert.match(renderVerifyResult({ language: "en", outcome: "CONNECTED" }), /Log in with your e-mail address/);
});

test("pickLanguage: ?lang wins, then Accept-Language by preference, else Swedish", () => {
  const cases: [string | undefined, string | undefined, PageLanguage][] = [
    ["en-US,en;q=0.9", "sv", "sv"],
    ["sv-SE", "en", "en"],
    ["sv-SE", "EN", "en"],
    ["en-US,en;q=0.9", "de", "en"],
    ["sv-SE,sv;q=0.9,en;q=0.8", undefined, "sv"],
    ["sv", undefined, "sv"],
    ["en-GB", undefined, "en"],
    ["de-DE,en;q=0.7,sv;q=0.9", undefined, "sv"],
    ["de-DE,sv;q=0.5,en;q=0.7", undefined, "en"],
    ["en;q=0,sv;q=0.1", undefined, "sv"],
    ["fr-FR", undefined, "sv"],
    [undefined, undefined, "sv"],
    ["", "", "sv"],
  ];
  for (const [acceptLanguage, query, expected] of cases) {
    assert.equal(pickLanguage(acceptLanguage, query), expected, `${acceptLanguage} / ${query}`);
  }
});
