import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import { redactUrl } from "../config.js";
import type { Logger } from "../log.js";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Delivers one message at a time; `send` resolves once the message is handed over, and rejects otherwise so the caller can retry later. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** Time limits of an SMTP delivery, in milliseconds. */
export interface SmtpTimeouts {
  /** to open the TCP connection */
  connectionMs: number;
  /** from connect to the server's greeting */
  greetingMs: number;
  /** silence on an open connection */
  socketMs: number;
  /** one whole `send`, queueing included: also stops a server that trickles its replies */
  sendMs: number;
}

export const defaultSmtpTimeouts: SmtpTimeouts = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 20_000, sendMs: 60_000 };

export interface MailerOptions {
  /** `smtp://…` or `smtps://…`; undefined writes each mail as an .eml file under `${dataDir}/mail/`. */
  smtpUrl: string | undefined;
  from: string;
  dataDir: string;
  log: Logger;
  /** Shorter limits for tests; production uses the defaults. */
  timeouts?: Partial<SmtpTimeouts>;
}

export function createMailer(options: MailerOptions): Mailer {
  return options.smtpUrl
    ? createSmtpMailer(options.smtpUrl, options.from, options.log, { ...defaultSmtpTimeouts, ...options.timeouts })
    : createFileMailer(options.from, path.join(options.dataDir, "mail"), options.log);
}

function createSmtpMailer(smtpUrl: string, from: string, log: Logger, timeouts: SmtpTimeouts): Mailer {
  const transport = nodemailer.createTransport(
    {
      url: smtpUrl,
      pool: true,
      // nodemailer's default of 5 connections; each sends up to 1 000 messages before it is replaced
      // (the default, 100, spends a burst's time on handshakes: bench/README.md, "Tuning")
      maxConnections: 5,
      maxMessages: 1000,
      connectionTimeout: timeouts.connectionMs,
      greetingTimeout: timeouts.greetingMs,
      socketTimeout: timeouts.socketMs,
      dnsTimeout: timeouts.connectionMs,
      // The pool re-sends a message whose connection dropped; once is enough, the caller retries the rest.
      maxRequeues: 1,
      logger: false,
    },
    { from },
  );
  log.info({ smtp: redactUrl(smtpUrl) }, "mail is delivered over SMTP");

  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({ ...mail, signal: AbortSignal.timeout(timeouts.sendMs) });
        if (info.rejected.length > 0) {
          throw new Error(`The SMTP server refused the recipient: ${info.response}`);
        }
        return { messageId: info.messageId };
      } catch (error) {
        const { code, responseCode, permanent } = (error ?? {}) as { code?: string; responseCode?: number; permanent?: boolean };
        log.warn({ err: error, code, responseCode, permanent }, "SMTP delivery failed");
        throw error;
      }
    },
    close() {
      transport.close();
    },
  };
}

/** Development mode: every mail becomes a file that any mail client opens, and its link goes to the log. */
function createFileMailer(from: string, directory: string, log: Logger): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" }, { from });
  let ready: Promise<unknown> | undefined;

  return {
    async send(mail) {
      ready ??= mkdir(directory, { recursive: true, mode: 0o700 }); // a mail holds a working link: its owner's only
      await ready;
      const info = await transport.sendMail(mail);
      const file = path.join(directory, emlFileName(new Date(), info.messageId));
      await writeFile(file, info.message as Buffer, { flag: "wx", mode: 0o600 });
      log.info({ file, to: mail.to, subject: mail.subject, link: firstLink(mail.text) }, "mail written to a file (no SMTP_URL)");
      return { messageId: info.messageId };
    },
    close() {
      transport.close();
    },
  };
}

/** `20260325T130000.123Z-<id>.eml`: file names sort by the moment of writing (real time, not a test clock), the message id keeps them unique. */
export function emlFileName(writtenAt: Date, messageId: string): string {
  const stamp = writtenAt.toISOString().replace(/[-:]/g, "");
  const id = messageId.replace(/^<|>$/g, "").replace(/[^A-Za-z0-9._-]+/g, "_");
  return `${stamp}-${id}.eml`;
}

export function firstLink(text: string): string | null {
  return /https?:\/\/[^\s<>"')\]]+/.exec(text)?.[0] ?? null;
}
