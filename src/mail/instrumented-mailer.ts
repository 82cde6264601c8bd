import { Histogram, type Registry } from "prom-client";
import type { Mailer } from "./mailer.js";

/**
 * The mailer, timed: `onboarding_mail_send_seconds{outcome="sent"|"failed"}`. Its count per outcome
 * is the number of delivery attempts, so a rising `failed` rate shows a refusing SMTP server.
 */
export function instrumentMailer(mailer: Mailer, registry: Registry): Mailer {
  const seconds = new Histogram({
    name: "onboarding_mail_send_seconds",
    help: "Time to hand one message to the SMTP server (or write it as a file), by outcome",
    labelNames: ["outcome"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return {
    async send(mail) {
      const stop = seconds.startTimer();
      try {
        const result = await mailer.send(mail);
        stop({ outcome: "sent" });
        return result;
      } catch (error) {
        stop({ outcome: "failed" });
        throw error;
      }
    },
    close() {
      mailer.close();
    },
  };
}
