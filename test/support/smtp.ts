import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  raw: string;
  receivedAt: Date;
}

export interface TestSmtp {
  /** smtp://127.0.0.1:PORT */
  url: string;
  /** Messages the server accepted (answered 250 to), in arrival order. */
  received: ReceivedMail[];
  /** Every RCPT TO address the server was asked for, accepted or refused, in arrival order: one per delivery attempt. */
  recipientsTried: string[];
  /** Resolves once `count` messages have arrived in total. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Answers the next `n` messages' DATA with a 451 temporary failure (or `code`, e.g. 550), with `reason` as its text; they are not received. */
  refuseNext(n: number, reason?: string, code?: number): void;
  /** Forgets the refusals still to come (refuseNext and refuseRecipients). */
  stopRefusing(): void;
  /** From now on, answers RCPT TO of every address matching `pattern` with a 451 temporary failure (or `code`, e.g. 550 for good) and `reason`: those mails are not received. */
  refuseRecipients(pattern: RegExp, reason?: string, code?: number): void;
  /** Delays the answer to the next message's DATA by `ms`; if its client disconnects meanwhile, it is not received. */
  holdNext(ms: number): void;
  /** From now on, accept nothing: every message waits (its client too) until `resume()`. */
  pause(): void;
  resume(): void;
  /** Every http(s) link in the text of the mails to `address`, in arrival order. */
  linksTo(address: string): string[];
  close(): Promise<void>;
}

/** A real SMTP server in this process, on a free port of 127.0.0.1, that keeps what it accepts. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const closedSessions = new Set<string>();
  let refusals = 0;
  const recipientsTried: string[] = [];
  let refusedRecipients: { pattern: RegExp; reason: string; code: number } | null = null;
  let refusalText = "Temporary failure, try again later (test refusal)";
  let refusalCode = 451;
  const holds: number[] = [];
  let gate: { opened: Promise<void>; open: () => void } | null = null;

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      recipientsTried.push(address.address);
      const refused = refusedRecipients && refusedRecipients.pattern.test(address.address) ? refusedRecipients : null;
      callback(refused ? refusal(refused.reason, refused.code) : undefined);
    },
    onClose(session: SMTPServerSession) {
      closedSessions.add(session.id);
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      // Decided when DATA starts, so that the order of refuseNext/holdNext matches the order of messages.
      const refuse = refusals > 0;
      if (refuse) refusals--;
      const holdMs = refuse ? 0 : (holds.shift() ?? 0);
      const envelope = {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
        to: session.envelope.rcptTo.map((r) => r.address),
      };
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", () => {
        // the client went away in the middle of the message: nothing was received
      });
      stream.on("end", () => {
        void (async () => {
          if (refuse) return callback(refusal(refusalText, refusalCode));
          if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
          if (gate) await gate.opened;
          // A client that left before our answer never learnt that the message was accepted: it was not delivered.
          if (closedSessions.has(session.id)) return callback(temporaryFailure("client disconnected"));
          const raw = Buffer.concat(chunks);
          try {
            const parsed = await simpleParser(raw);
            if (closedSessions.has(session.id)) return callback(temporaryFailure("client disconnected"));
            received.push({
              to: envelope.to,
              from: envelope.from,
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: typeof parsed.html === "string" ? parsed.html : "",
              raw: raw.toString("utf8"),
              receivedAt: new Date(),
            });
            callback();
            for (const wake of [...waiters]) wake();
          } catch (error) {
            callback(error as Error);
          }
        })();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // A test that ends a client abruptly must not crash the process through an unhandled 'error'.
  server.on("error", () => {});
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    recipientsTried,
    waitFor(count, timeoutMs = 10_000) {
      return new Promise<ReceivedMail[]>((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          cleanup();
          resolve(received.slice());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `Expected ${count} mail(s) within ${timeoutMs} ms, but ${received.length} arrived` +
                (received.length ? `: ${received.map((m) => `"${m.subject}" to ${m.to.join(", ")}`).join("; ")}` : ""),
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    stopRefusing() {
      refusals = 0;
      refusedRecipients = null;
    },
    refuseRecipients(pattern, reason = "Mailbox temporarily unavailable (test refusal)", code = 451) {
      refusedRecipients = { pattern, reason, code };
    },
    refuseNext(n, reason = "Temporary failure, try again later (test refusal)", code = 451) {
      refusals += n;
      refusalText = reason;
      refusalCode = code;
    },
    holdNext(ms) {
      holds.push(ms);
    },
    pause() {
      if (gate) return;
      let open = () => {};
      const opened = new Promise<void>((resolve) => (open = resolve));
      gate = { opened, open };
    },
    resume() {
      gate?.open();
      gate = null;
    },
    linksTo(address) {
      const wanted = address.toLowerCase();
      return received
        .filter((mail) => mail.to.some((to) => to.toLowerCase() === wanted))
        .flatMap((mail) => mail.text.match(/https?:\/\/[^\s<>"')\]]+/g) ?? []);
    },
    close() {
      return new Promise<void>((resolve) => {
        // Pooled clients keep idle connections open; end them instead of waiting for them.
        for (const connection of server.connections) connection.close();
        server.close(() => resolve());
      });
    },
  };
}

function temporaryFailure(message: string): Error {
  return refusal(message, 451);
}

function refusal(message: string, code: number): Error {
  return Object.assign(new Error(message.replace(/^\d{3} /, "")), { responseCode: code });
}
