import { test } from "node:test";
import assert from "node:assert/strict";
import { invitationMail } from "../../src/mail/invitation-mail.js";

const link = "https://onboarding.example/verify?token=abc123";
const base = {
  to: "anna@example.com",
  firstName: "Anna",
  link,
  // sent 2026-03-25 in Stockholm: the link expires at 00:00 on 2026-03-30 (R5)
  expiresAt: new Date("2026-03-29T22:00:00Z"),
  timeZone: "Europe/Stockholm",
  companyName: "Acme AB",
};
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

test("one message, Swedish first and English second, addressed to the hire", () => {
  const mail = invitationMail(base);
  assert.equal(mail.to, "anna@example.com");
  assert.equal(mail.subject, "Skapa ditt konto / Create your account – Acme AB");
  assert.ok(mail.text.indexOf("Hej Anna") < mail.text.indexOf("Hi Anna"));
  assert.match(mail.html, /<div lang="sv"[^>]*>[\s\S]*Hej Anna[\s\S]*<div lang="en"[^>]*>[\s\S]*Hi Anna/);
});

test("the link appears once per language in the text and in the html", () => {
  const mail = invitationMail(base);
  assert.equal(count(mail.text, link), 2);
  assert.equal(count(mail.html, `href="${link}"`), 2);
  assert.equal(count(mail.html, link), 2);
});

test("the last valid day is the day before expiresAt, in the tenant's zone: 29 March for 2026-03-29T22:00Z in Stockholm", () => {
  const mail = invitationMail(base);
  for (const body of [mail.text, mail.html]) {
    assert.match(body, /Länken gäller till och med söndag 29 mars 2026 \(tid i Europe\/Stockholm\)/);
    assert.match(body, /until the end of Sunday 29 March 2026 \(Europe\/Stockholm time\)/);
    assert.match(body, /kan bara användas en gång/);
    assert.match(body, /can be used once/);
  }
});

test("the last valid day follows the tenant's zone, not UTC", () => {
  // 00:00 on 2026-03-31 in New York is 04:00Z; the last valid day there is 30 March
  const mail = invitationMail({ ...base, expiresAt: new Date("2026-03-31T04:00:00Z"), timeZone: "America/New_York" });
  assert.match(mail.text, /30 mars 2026/);
  assert.match(mail.text, /30 March 2026/);
});

test("names and company are escaped in the html and kept as written in the text", () => {
  const mail = invitationMail({ ...base, firstName: `<script>&"`, companyName: `O'Brien & <Co>` });
  assert.doesNotMatch(mail.html, /<script>/);
  assert.match(mail.html, /Hej &lt;script&gt;&amp;&quot;!/);
  assert.match(mail.html, /O&#39;Brien &amp; &lt;Co&gt;/);
  assert.match(mail.text, /Hej <script>&"!/);
});

test("a link with query characters is escaped in the href", () => {
  const mail = invitationMail({ ...base, link: "https://x.example/verify?token=a&b" });
  assert.equal(count(mail.html, 'href="https://x.example/verify?token=a&amp;b"'), 2);
});

test("a line break in the company name cannot add a header", () => {
  const mail = invitationMail({ ...base, companyName: "Acme\r\nBcc: evil@example.com" });
  assert.doesNotMatch(mail.subject, /[\r\n]/);
});

test("the reminder (R10): its own subject, says the earlier link no longer works, in both languages, with its one link and the same last day", () => {
  const mail = invitationMail({ ...base, reminder: true });
  assert.equal(mail.subject, "Påminnelse: skapa ditt konto / Reminder: create your account – Acme AB");
  for (const body of [mail.text, mail.html]) {
    assert.match(body, /länken i det tidigare mejlet fungerar inte längre/);
    assert.match(body, /the link in the earlier e-mail no longer works/);
    assert.match(body, /Länken gäller till och med söndag 29 mars 2026/);
  }
  assert.equal(count(mail.text, link), 2);
  assert.equal(count(mail.html, `href="${link}"`), 2);
  assert.ok(!invitationMail(base).text.includes("Påminnelse"), "the invitation itself is no reminder");
});
