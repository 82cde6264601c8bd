import { DateTime } from "luxon";
import type { OutgoingMail } from "./mailer.js";

export interface InvitationMailInput {
  to: string;
  firstName: string;
  /** `{PUBLIC_BASE_URL}/verify?token=…` */
  link: string;
  /** 00:00 tenant-local on the day after the last valid day (R5). */
  expiresAt: Date;
  /** the tenant's IANA zone */
  timeZone: string;
  companyName: string;
  /** R10: the reminder, with a new link and the same expiry; the first mail's link no longer works. */
  reminder?: boolean;
}

type Language = "sv" | "en";

/**
 * Formatted days, remembered: the mails of a burst share a few expiry instants, and luxon's localized
 * formatting is the costliest step of building a mail (bench/README.md, "Tuning").
 */
const formattedDays = new Map<string, string>();

/** The last day the link works, in words of `language`, e.g. "söndag 29 mars 2026". */
export function formatLastValidDay(expiresAt: Date, timeZone: string, language: Language): string {
  const key = `${expiresAt.getTime()}|${timeZone}|${language}`;
  let day = formattedDays.get(key);
  if (day === undefined) {
    // expiresAt is midnight at the start of the day after the last valid day, so the last day is the one before it.
    const lastDay = DateTime.fromJSDate(expiresAt, { zone: timeZone }).minus({ milliseconds: 1 });
    day = lastDay.setLocale(language === "sv" ? "sv-SE" : "en-GB").toFormat("cccc d MMMM yyyy");
    if (formattedDays.size >= 10_000) formattedDays.clear();
    formattedDays.set(key, day);
  }
  return day;
}

const copy = {
  sv: {
    greeting: (name: string) => `Hej ${name}!`,
    intro: (company: string) => `Välkommen till ${company}! Skapa ditt Connect-konto – det är det du loggar in med från din första dag.`,
    button: "Skapa ditt konto",
    validity: (day: string, zone: string) => `Länken gäller till och med ${day} (tid i ${zone}) och kan bara användas en gång.`,
    expired: (company: string) => `Har länken slutat fungera? Be HR på ${company} att skicka en ny inbjudan.`,
    ignore: "Väntade du dig inte det här mejlet? Då kan du bortse från det.",
    reminder: "Påminnelse: du har inte skapat ditt konto ännu och länken slutar snart gälla. Använd länken i det här mejlet – länken i det tidigare mejlet fungerar inte längre.",
    subject: "Skapa ditt konto",
    reminderSubject: "Påminnelse: skapa ditt konto",
  },
  en: {
    greeting: (name: string) => `Hi ${name},`,
    intro: (company: string) => `Welcome to ${company}! Create your Connect account – it is what you log in with from your first day.`,
    button: "Create your account",
    validity: (day: string, zone: string) => `The link works until the end of ${day} (${zone} time) and can be used once.`,
    expired: (company: string) => `Has the link stopped working? Ask HR at ${company} to send a new invitation.`,
    ignore: "Not expecting this e-mail? Then you can ignore it.",
    reminder: "A reminder: you have not created your account yet and the link expires soon. Use the link in this e-mail – the link in the earlier e-mail no longer works.",
    subject: "Create your account",
    reminderSubject: "Reminder: create your account",
  },
} as const;

/** The invitation (R5, R6), or its reminder (R10): one message, Swedish first, then English. */
export function invitationMail(input: InvitationMailInput): OutgoingMail {
  const subjects = input.reminder ? [copy.sv.reminderSubject, copy.en.reminderSubject] : [copy.sv.subject, copy.en.subject];
  // A line break in a header value would start a new header.
  const subject = `${subjects.join(" / ")} – ${input.companyName.replace(/\s+/g, " ").trim()}`;
  const sections = (["sv", "en"] as const).map((language) => {
    const t = copy[language];
    return {
      language,
      t,
      validity: t.validity(formatLastValidDay(input.expiresAt, input.timeZone, language), input.timeZone),
    };
  });

  const text = sections
    .map(({ t, validity }) =>
      [t.greeting(input.firstName), "", ...(input.reminder ? [t.reminder, ""] : []), t.intro(input.companyName), "", `${t.button}:`, input.link, "", validity, t.expired(input.companyName), t.ignore].join("\n"),
    )
    .join("\n\n----------------------------------------\n\n");

  const e = escapeHtml;
  const html = `<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<div role="article" aria-label="${e(subject)}" style="max-width:560px;margin:0 auto;padding:24px 16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;">
${sections
  .map(
    ({ language, t, validity }, index) => `<div lang="${language}" style="background:#ffffff;border-radius:8px;padding:24px;${index > 0 ? "margin-top:24px;" : ""}">
<p style="margin:0 0 16px;">${e(t.greeting(input.firstName))}</p>
${input.reminder ? `<p style="margin:0 0 16px;font-weight:bold;">${e(t.reminder)}</p>\n` : ""}<p style="margin:0 0 24px;">${e(t.intro(input.companyName))}</p>
<p style="margin:0 0 24px;"><a href="${e(input.link)}" style="display:inline-block;background:#0b5cad;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 24px;border-radius:6px;">${e(t.button)}</a></p>
<p style="margin:0 0 16px;">${e(validity)}</p>
<p style="margin:0 0 8px;font-size:14px;color:#444444;">${e(t.expired(input.companyName))}</p>
<p style="margin:0;font-size:14px;color:#444444;">${e(t.ignore)}</p>
</div>`,
  )
  .join("\n")}
</div>
</body>
</html>
`;

  return { to: input.to, subject, text, html };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
