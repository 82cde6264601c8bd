import { createHash } from "node:crypto";
import { escapeHtml as e, formatLastValidDay } from "../mail/invitation-mail.js";

export type PageLanguage = "sv" | "en";
export type LinkState = "VALID" | "EXPIRED" | "USED" | "INVALID";
/** LINK_REPLACED: LINK_INVALID because a reminder replaced the link (R10). */
export type VerifyOutcome = "CONNECTED" | "LINK_EXPIRED" | "LINK_USED" | "LINK_INVALID" | "LINK_REPLACED" | "RATE_LIMITED" | "ERROR";

/** `?lang=sv|en` wins, then the browser's preference (Accept-Language, by q-value), else Swedish. */
export function pickLanguage(acceptLanguage: string | undefined, query: string | undefined): PageLanguage {
  const asked = query?.trim().toLowerCase();
  if (asked === "sv" || asked === "en") return asked;
  const preferences = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.trim().split("-")[0], q: q === undefined ? 1 : Number(q), index };
    })
    .filter((p) => p.q > 0 && (p.primary === "sv" || p.primary === "en"))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (preferences[0]?.primary as PageLanguage | undefined) ?? "sv";
}

const copy = {
  sv: {
    title: "Skapa ditt Connect-konto",
    switchTo: { language: "en", label: "In English" },
    valid: { withEmail: "Bekräfta att du vill skapa ditt konto för", withoutEmail: "Bekräfta att du vill skapa ditt konto." },
    validUntil: (day: string, zone: string) => `Länken gäller till och med ${day} (tid i ${zone}) och kan bara användas en gång.`,
    confirm: "Skapa mitt konto",
    expiredTitle: "Länken har slutat gälla",
    expired: "Länken i inbjudan gällde i fem dagar och den tiden har gått ut. Be HR skicka en ny inbjudan, så får du en ny länk via e-post.",
    usedTitle: "Kontot finns redan",
    used: "Den här länken har redan använts och ditt konto är skapat. Logga in med din e-postadress som vanligt.",
    invalidTitle: "Länken fungerar inte",
    invalid:
      "Länken är okänd eller har ersatts av en nyare inbjudan. Använd länken i det senaste mejlet, eller be HR skicka en ny inbjudan.",
    replacedTitle: "Använd länken i det senaste mejlet",
    replaced: "Vi har skickat en påminnelse med en ny länk till dig, så den här länken fungerar inte längre. Öppna det senaste mejlet och använd länken i det – den gäller lika länge som den här gjorde.",
    connectedTitle: "Ditt konto är klart",
    connected: { withEmail: "Ditt Connect-konto är skapat. Logga in med", withoutEmail: "Ditt Connect-konto är skapat. Logga in med din e-postadress." },
    rateLimitedTitle: "För många försök",
    rateLimited: "Vänta en stund och försök sedan igen.",
    errorTitle: "Något gick fel",
    error: "Det gick inte att skapa kontot just nu. Försök igen om en stund – länken fungerar fortfarande om den inte har använts.",
  },
  en: {
    title: "Create your Connect account",
    switchTo: { language: "sv", label: "På svenska" },
    valid: { withEmail: "Confirm that you want to create your account for", withoutEmail: "Confirm that you want to create your account." },
    validUntil: (day: string, zone: string) => `The link works until the end of ${day} (${zone} time) and can be used once.`,
    confirm: "Create my account",
    expiredTitle: "The link has expired",
    expired: "The invitation link was valid for five days and that time has passed. Ask HR to send a new invitation and you will get a new link by e-mail.",
    usedTitle: "The account already exists",
    used: "This link has already been used and your account has been created. Log in with your e-mail address as usual.",
    invalidTitle: "The link does not work",
    invalid: "The link is unknown or has been replaced by a newer invitation. Use the link in the latest e-mail, or ask HR to send a new invitation.",
    replacedTitle: "Use the link in the newest e-mail",
    replaced: "We sent you a reminder with a new link, so this link no longer works. Open the newest e-mail and use its link – it works for as long as this one would have.",
    connectedTitle: "Your account is ready",
    connected: { withEmail: "Your Connect account has been created. Log in with", withoutEmail: "Your Connect account has been created. Log in with your e-mail address." },
    rateLimitedTitle: "Too many attempts",
    rateLimited: "Please wait a moment and try again.",
    errorTitle: "Something went wrong",
    error: "We could not create the account just now. Please try again in a while – the link still works if it has not been used.",
  },
} as const;

export interface VerifyPageInput {
  language: PageLanguage;
  token: string;
  state: LinkState;
  maskedEmail: string | null;
  expiresAt: Date | null;
  timeZone: string | null;
  /** R10: INVALID because a reminder replaced it (LinkInfo.replacedByReminder). */
  replacedByReminder?: boolean;
}

/** The page behind the e-mail's link (GET): shows what the link would do; only the form's POST uses it (R6). */
export function renderVerifyPage(input: VerifyPageInput): string {
  const t = copy[input.language];
  const switchHref = `/verify?token=${encodeURIComponent(input.token)}&lang=${t.switchTo.language}`;
  const languageSwitch = `<p class="language"><a id="language-switch" href="${e(switchHref)}" lang="${t.switchTo.language}" hreflang="${t.switchTo.language}">${e(t.switchTo.label)}</a></p>`;

  let heading: string;
  let body: string;
  switch (input.state) {
    case "VALID": {
      heading = t.title;
      const who = input.maskedEmail
        ? `<p>${e(t.valid.withEmail)} <strong id="masked-email">${e(input.maskedEmail)}</strong>.</p>`
        : `<p>${e(t.valid.withoutEmail)}</p>`;
      const until =
        input.expiresAt && input.timeZone
          ? `<p id="valid-until">${e(t.validUntil(formatLastValidDay(input.expiresAt, input.timeZone, input.language), input.timeZone))}</p>`
          : "";
      body = `${who}
${until}
<form method="post" action="/verify">
<input type="hidden" name="token" value="${e(input.token)}">
<input type="hidden" name="lang" value="${input.language}">
<button type="submit" id="confirm">${e(t.confirm)}</button>
</form>`;
      break;
    }
    case "EXPIRED":
      heading = t.expiredTitle;
      body = `<p>${e(t.expired)}</p>`;
      break;
    case "USED":
      heading = t.usedTitle;
      body = `<p>${e(t.used)}</p>`;
      break;
    case "INVALID":
      heading = input.replacedByReminder ? t.replacedTitle : t.invalidTitle;
      body = `<p id="${input.replacedByReminder ? "replaced" : "invalid"}">${e(input.replacedByReminder ? t.replaced : t.invalid)}</p>`;
      break;
  }

  return page(
    input.language,
    heading,
    `<main id="state" data-state="${input.state}">
<h1>${e(heading)}</h1>
${body}
</main>
${languageSwitch}`,
  );
}

export interface VerifyResultInput {
  language: PageLanguage;
  outcome: VerifyOutcome;
  email?: string | null;
}

/** The answer to the confirmation (POST /verify). */
export function renderVerifyResult(input: VerifyResultInput): string {
  const t = copy[input.language];
  const [heading, message]: [string, string] = (() => {
    switch (input.outcome) {
      case "CONNECTED":
        return input.email
          ? [t.connectedTitle, `${e(t.connected.withEmail)} <strong id="email">${e(input.email)}</strong>.`]
          : [t.connectedTitle, e(t.connected.withoutEmail)];
      case "LINK_EXPIRED":
        return [t.expiredTitle, e(t.expired)];
      case "LINK_USED":
        return [t.usedTitle, e(t.used)];
      case "LINK_INVALID":
        return [t.invalidTitle, e(t.invalid)];
      case "LINK_REPLACED":
        return [t.replacedTitle, e(t.replaced)];
      case "RATE_LIMITED":
        return [t.rateLimitedTitle, e(t.rateLimited)];
      case "ERROR":
        return [t.errorTitle, e(t.error)];
    }
  })();
  return page(
    input.language,
    heading,
    `<main id="result" data-outcome="${input.outcome}">
<h1>${e(heading)}</h1>
<p>${message}</p>
</main>`,
  );
}

/** The page's one inline style sheet; its hash is what the Content-Security-Policy allows (`PAGE_STYLE_HASH`). */
const PAGE_STYLE = `
body{margin:0;background:#f4f5f7;color:#1a1a1a;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Arial,sans-serif}
.card{max-width:480px;margin:48px auto;padding:32px 24px;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.5rem;margin:0 0 16px}
button{font:inherit;font-weight:bold;color:#fff;background:#0b5cad;border:0;border-radius:6px;padding:12px 24px;cursor:pointer}
button:focus-visible,a:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.language{margin:24px 0 0;font-size:.9rem}
a{color:#0b5cad}
`;

export const PAGE_STYLE_HASH = `sha256-${createHash("sha256").update(PAGE_STYLE).digest("base64")}`;

function page(language: PageLanguage, title: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${e(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<div class="card">
${content}
</div>
</body>
</html>
`;
}
