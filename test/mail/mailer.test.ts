import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { simpleParser } from "mailparser";
import { pino } from "pino";
import { createMailer, emlFileName } from "../../src/mail/mailer.js";
import { createLogger } from "../../src/log.js";
import { startTestSmtp } from "../support/smtp.js";

const silent = createLogger("silent");
const from = "Onboarding <no-reply@acme.se>";
const mail = (to: string) => ({
  to,
  subject: "Skapa ditt konto / Create your account – Acme",
  text: "Hej!\n\nhttps://onboarding.example/verify?token=tok-1\n",
  html: '<p>Hej! <a href="https://onboarding.example/verify?token=tok-1">Skapa ditt konto</a></p>',
});

async function temporaryDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "mailer-test-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("with SMTP_URL a mail is delivered from MAIL_FROM to the hire with subject, text and html", async (t) => {
  const smtp = await startTestSmtp();
  const mailer = createMailer({ smtpUrl: smtp.url, from, dataDir: await temporaryDir(t), log: silent });
  t.after(async () => {
    mailer.close();
    await smtp.close();
  });

  const { messageId } = await mailer.send(mail("anna@example.com"));

  const [received] = await smtp.waitFor(1);
  assert.ok(messageId);
  assert.deepEqual(received!.to, ["anna@example.com"]);
  assert.equal(received!.from, "no-reply@acme.se");
  assert.match(received!.raw, /^From: Onboarding <no-reply@acme\.se>\r?$/m);
  assert.equal(received!.subject, "Skapa ditt konto / Create your account – Acme");
  assert.match(received!.text, /Hej!/);
  assert.match(received!.html, /<a href="https:\/\/onboarding\.example\/verify\?token=tok-1">/);
  assert.deepEqual(smtp.linksTo("ANNA@example.com"), ["https://onboarding.example/verify?token=tok-1"]);
});

test("a refused mail makes send reject, and the next send is delivered", async (t) => {
  const smtp = await startTestSmtp();
  const mailer = createMailer({ smtpUrl: smtp.url, from, dataDir: await temporaryDir(t), log: silent });
  t.after(async () => {
    mailer.close();
    await smtp.close();
  });
  smtp.refuseNext(1);

  await assert.rejects(mailer.send(mail("anna@example.com")), { responseCode: 451 });
  await mailer.send(mail("bo@example.com"));

  await smtp.waitFor(1);
  assert.deepEqual(
    smtp.received.map((m) => m.to),
    [["bo@example.com"]],
  );
});

test("a server that does not answer makes send reject in bounded time, and the abandoned mail is not received", async (t) => {
  const smtp = await startTestSmtp();
  const mailer = createMailer({
    smtpUrl: smtp.url,
    from,
    dataDir: await temporaryDir(t),
    log: silent,
    timeouts: { socketMs: 300 },
  });
  t.after(async () => {
    mailer.close();
    await smtp.close();
  });
  smtp.holdNext(1500);

  const started = Date.now();
  await assert.rejects(mailer.send(mail("anna@example.com")));
  assert.ok(Date.now() - started < 1400, `send gave up after ${Date.now() - started} ms`);

  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(smtp.received.length, 0);
  await assert.rejects(smtp.waitFor(1, 100), /Expected 1 mail\(s\) within 100 ms, but 0 arrived/);
});

test("without SMTP_URL each mail is an .eml file in DATA_DIR/mail that parses back, and its link is logged", async (t) => {
  const dataDir = await temporaryDir(t);
  const lines: string[] = [];
  const log = pino(
    { level: "info" },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const mailer = createMailer({ smtpUrl: undefined, from, dataDir, log });
  t.after(() => mailer.close());

  const { messageId } = await mailer.send(mail("anna@example.com"));
  await mailer.send(mail("bo@example.com"));

  const files = await readdir(path.join(dataDir, "mail"));
  assert.equal(files.length, 2);
  assert.ok(files.every((f) => f.endsWith(".eml")));
  const first = files.sort()[0]!;
  assert.ok(first.includes(messageId.replace(/^<|>$/g, "").replace(/[^A-Za-z0-9._-]+/g, "_")), "the first file is the first mail");
  const raw = await readFile(path.join(dataDir, "mail", first));
  assert.match(raw.toString(), /\r\n\r\n/, "RFC 5322 line endings");
  const parsed = await simpleParser(raw);
  assert.equal(Array.isArray(parsed.to) ? undefined : parsed.to?.value[0]?.address, "anna@example.com");
  assert.equal(parsed.from?.value[0]?.address, "no-reply@acme.se");
  assert.match(parsed.text ?? "", /https:\/\/onboarding\.example\/verify\?token=tok-1/);

  const logged = lines.map((l) => JSON.parse(l) as { link?: string; file?: string }).filter((l) => l.file);
  assert.equal(logged[0]?.link, "https://onboarding.example/verify?token=tok-1");
  assert.equal(logged[0]?.file, path.join(dataDir, "mail", first));
});

test(".eml file names sort by the moment they were written", () => {
  const early = emlFileName(new Date("2026-03-25T13:00:00.005Z"), "<b@x>");
  const late = emlFileName(new Date("2026-03-25T13:00:00.010Z"), "<a@x>");
  assert.equal(early, "20260325T130000.005Z-b_x.eml");
  assert.ok([late, early].sort()[0] === early);
});
