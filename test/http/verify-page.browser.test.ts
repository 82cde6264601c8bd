import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { startTestApp, type TestApp } from "../support/app.js";
import { ACCOUNT_STATUS, address, register, sandboxTenant, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { freshMysqlDatabase, services } from "../support/services.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

/**
 * The verification page in a real browser: Debian's Chromium (`apt-get install chromium`), driven by
 * playwright-core, which never downloads a browser. The service runs in this process on MariaDB with
 * a Redis job store, and the invitation arrives at a real SMTP server.
 */
const CHROMIUM = "/usr/bin/chromium";
/** The machine has no internet: nothing may try to reach it (background services, QUIC, updates). */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Now in the SPEC's worked examples: Wednesday 2026-03-25 14:00 Europe/Stockholm; a start tomorrow is invited at once. */
const T0 = "2026-03-25T13:00:00Z";
const START = "2026-03-26";
/** The base of the mailed link. The app's own URL is known only once it listens on a free port, so the
 * tests take the token from the mail and open it on `t.url`. */
const PUBLIC_BASE_URL = "https://onboarding.example.com";

// Without Chromium a developer's machine skips this file; CI installs it (.ci/run), so there it must fail.
const skip = !existsSync(CHROMIUM) && !process.env.CI ? `SKIPPED: Chromium is not installed here (${CHROMIUM}); apt-get install chromium to run it` : false;

describe("the verification page in Chromium", { skip }, () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let dropDatabase: (() => Promise<void>) | undefined;
  let browser: Browser;
  let tenant: HrTenant;
  /** Links used by the tests that confirm them; the last test opens them again. */
  const used: { token: string; language: "en" | "sv" }[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: CI installs it (.ci/run); install it with apt-get install chromium`);
    smtp = await startTestSmtp();
    const db = await freshMysqlDatabase();
    dropDatabase = db.drop;
    t = await startTestApp({
      DATABASE_URL: db.url,
      JOBS_URL: services.redis,
      OPERATOR_API_KEY: "o".repeat(40),
      SMTP_URL: smtp.url,
      PUBLIC_BASE_URL,
    });
    tenant = await sandboxTenant(t, T0);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
    await smtp?.close();
    await dropDatabase?.();
  });

  /** Registers a hire that is invited at once, and returns the token from the mail. */
  async function invitedHire(name: string): Promise<{ email: string; employeeId: string; token: string }> {
    const email = address(name);
    const hire = await register(t, tenant, { email, startDate: START });
    assert.equal(hire.employment.connectStatus, "INVITATION_SENT");
    const link = smtp.linksTo(email).at(-1) ?? "";
    assert.ok(link.startsWith(`${PUBLIC_BASE_URL}/verify?token=`), `the mail links to the page: ${link}`);
    return { email, employeeId: hire.employee.id, token: tokenMailedTo(smtp, email) };
  }

  /** A fresh browser profile; every request it makes must go to the service, nowhere else. */
  async function withPage(run: (page: Page) => Promise<void>): Promise<void> {
    const context = await browser.newContext();
    const elsewhere: string[] = [];
    context.on("request", (request) => {
      if (!request.url().startsWith(`${t.url}/`)) elsewhere.push(request.url());
    });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await run(page);
      assert.deepEqual(elsewhere, [], "the page loads nothing from elsewhere");
    } finally {
      await context.close();
    }
  }

  const verifyUrl = (token: string, lang: "en" | "sv") => `${t.url}/verify?token=${encodeURIComponent(token)}&lang=${lang}`;
  const linkState = (page: Page) => page.locator("#state").getAttribute("data-state");
  const htmlLang = (page: Page) => page.locator("html").getAttribute("lang");
  const tokenInUrl = (page: Page) => new URL(page.url()).searchParams.get("token");

  /** Clicks the confirm button and waits for the result page; answers its outcome. */
  async function confirm(page: Page): Promise<string | null> {
    const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/verify");
    await page.locator("#confirm").click();
    assert.equal((await answered).status(), 200);
    await page.locator("#result").waitFor();
    return page.locator("#result").getAttribute("data-outcome");
  }

  async function assertConnected(employeeId: string, email: string): Promise<void> {
    const status = await t.gql(ACCOUNT_STATUS, { id: employeeId }, tenant.key);
    assert.equal(status.data.accountStatus.connectStatus, "CONNECTED");
    assert.equal(status.data.accountStatus.invitation.status, "VERIFIED");
    assert.equal(status.data.accountStatus.connectAccount.email, email);
    assert.equal(status.data.accountStatus.connectAccount.method, "EMAIL_VERIFICATION");
  }

  test("in English: the page shows the masked address only, and its button creates the account", async () => {
    const hire = await invitedHire("browser-en");
    await withPage(async (page) => {
      const response = await page.goto(verifyUrl(hire.token, "en"));
      assert.equal(response?.status(), 200);
      assert.equal(await htmlLang(page), "en");
      assert.equal(await linkState(page), "VALID");
      assert.equal(await page.locator("h1").innerText(), "Create your Connect account");
      assert.equal(await page.locator("#masked-email").innerText(), `${hire.email[0]}***@example.org`);
      assert.match(await page.locator("#valid-until").innerText(), /until the end of Sunday 29 March 2026 \(Europe\/Stockholm time\)/);
      assert.ok(await page.locator("#confirm").isVisible(), "the confirm button is visible");
      const localPart = hire.email.slice(0, hire.email.indexOf("@"));
      const text = await page.locator("body").innerText();
      assert.ok(!text.includes(localPart), `the page text does not show the address: ${text}`);
      assert.ok(!(await page.content()).includes(localPart), "nor does its HTML");
      await page.screenshot({ path: "/tmp/verify-page.png", fullPage: true });

      assert.equal(await confirm(page), "CONNECTED");
      assert.equal(await htmlLang(page), "en");
      assert.equal(await page.locator("h1").innerText(), "Your account is ready");
      assert.equal(await page.locator("#email").innerText(), hire.email, "after confirming, the hire sees which address to log in with");
    });
    used.push({ token: hire.token, language: "en" });
    await assertConnected(hire.employeeId, hire.email);
  });

  test("in Swedish: the language switch goes to English and back with the same link, then the button creates the account", async () => {
    const hire = await invitedHire("browser-sv");
    await withPage(async (page) => {
      await page.goto(verifyUrl(hire.token, "sv"));
      assert.equal(await htmlLang(page), "sv");
      assert.equal(await linkState(page), "VALID");
      assert.ok(await page.getByRole("heading", { name: "Skapa ditt Connect-konto" }).isVisible(), "a Swedish heading");
      assert.equal(await page.locator("#confirm").innerText(), "Skapa mitt konto");
      assert.match(await page.locator("#valid-until").innerText(), /till och med söndag 29 mars 2026/);

      const toEnglish = page.locator("#language-switch");
      assert.equal(await toEnglish.innerText(), "In English");
      await toEnglish.click();
      await page.locator("html[lang=en]").waitFor({ state: "attached" });
      assert.equal(tokenInUrl(page), hire.token, "the switch keeps the token");
      assert.equal(await linkState(page), "VALID", "switching the language does not use the link");
      assert.equal(await page.locator("#confirm").innerText(), "Create my account");

      const toSwedish = page.locator("#language-switch");
      assert.equal(await toSwedish.innerText(), "På svenska");
      await toSwedish.click();
      await page.locator("html[lang=sv]").waitFor({ state: "attached" });
      assert.equal(tokenInUrl(page), hire.token, "and back again");
      assert.equal(await linkState(page), "VALID");

      assert.equal(await confirm(page), "CONNECTED");
      assert.equal(await htmlLang(page), "sv", "the result is in the language the hire chose");
      assert.equal(await page.locator("h1").innerText(), "Ditt konto är klart");
    });
    used.push({ token: hire.token, language: "sv" });
    await assertConnected(hire.employeeId, hire.email);
  });

  test("a used link opened again says the account exists, without a button", async () => {
    assert.equal(used.length, 2, "the two tests above confirm the links this test opens again");
    await withPage(async (page) => {
      for (const { token, language } of used) {
        await page.goto(verifyUrl(token, language));
        assert.equal(await linkState(page), "USED");
        assert.equal(await page.locator("h1").innerText(), language === "en" ? "The account already exists" : "Kontot finns redan");
        assert.equal(await page.locator("#confirm").count(), 0, "nothing to confirm");
        assert.equal(await page.locator("#masked-email").count(), 0);
      }
    });
  });
});
