import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { hostOf } from "../domain/webhook-target.js";
import { checkedAddress, TargetRefused, type ResolveHost } from "./target-addresses.js";

/** What came of one POST: the HTTP status and headers, or why there was none. */
export type SendResult = { status: number; headers: IncomingHttpHeaders } | { error: string; refused?: boolean };

export interface WebhookSenderOptions {
  resolve: ResolveHost;
  allowPrivate: boolean;
  /** The whole request at most (R11: 15 s). */
  timeoutMs: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs a signed webhook: resolves the host, refuses a non-public address (again at each delivery:
 * the name may point elsewhere now), connects to exactly the checked address, follows no redirect
 * (a 3xx is an answer like any other non-2xx), and gives up after the timeout.
 */
export class WebhookSender {
  constructor(private readonly options: WebhookSenderOptions) {}

  async post(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const target = new URL(url);
    const host = hostOf(target);
    let pinned: { address: string; family: 4 | 6 };
    try {
      pinned = await checkedAddress(this.options.resolve, host, this.options.allowPrivate);
    } catch (error) {
      if (error instanceof TargetRefused) return { error: error.message, refused: true };
      throw error;
    }
    // every connection of this request goes to the checked address (TLS still checks the certificate against the name)
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<SendResult>((resolve) => {
      const request = send(
        target,
        {
          method: "POST",
          headers: { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "user-agent": "onboarding-webhooks/1" },
          lookup,
          agent: false, // a fresh connection: a pooled one could still point to an address checked before
          timeout: this.options.timeoutMs,
        },
        (response) => {
          let read = 0;
          response.on("data", (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) response.destroy(); // the status is all we need
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
          response.on("close", () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
          response.on("error", () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
        },
      );
      const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${this.options.timeoutMs / 1000} s`)), this.options.timeoutMs);
      request.on("timeout", () => request.destroy(new Error(`no answer within ${this.options.timeoutMs / 1000} s`)));
      request.on("error", (error) => resolve({ error: error.message }));
      request.on("close", () => clearTimeout(deadline));
      request.end(body);
    });
  }
}
