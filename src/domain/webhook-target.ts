// R11, no server-side request forgery: which webhook URLs and which addresses we may send to.
import ipaddr from "ipaddr.js";

export interface TargetRules {
  /** NODE_ENV=production: only https. */
  production: boolean;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS=true: non-public addresses too (on-premises receivers, tests). */
  allowPrivate: boolean;
}

const MAX_URL = 2048;

/** Why `raw` may not be an endpoint URL, or null. Addresses a name resolves to are checked separately (publicAddressProblem). */
export function webhookUrlProblem(raw: string, rules: TargetRules): string | null {
  if (raw.length > MAX_URL) return `The URL is longer than ${MAX_URL} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Not a URL; give an absolute https:// URL";
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && !rules.production)) {
    return rules.production ? "The URL must use https" : "The URL must use https (or http outside production)";
  }
  if (url.username || url.password) return "The URL must not carry a user name or password; authenticate with the signature";
  if (url.hash) return "The URL must not have a #fragment";
  const host = hostOf(url);
  if (ipaddr.isValid(host)) return publicAddressProblem(host, rules);
  if (!rules.allowPrivate && isLocalName(host)) return `${host} is a local name, not a public address`;
  return null;
}

/** The URL's host without the brackets of an IPv6 literal. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, "");

/**
 * Why a request to `address` is refused, or null: only public unicast addresses, unless private
 * targets are allowed. IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is;
 * loopback, private (10/8, 172.16/12, 192.168/16), link-local (169.254/16 with the cloud metadata
 * 169.254.169.254, fe80::/10), unique-local (fc00::/7 with fd00:ec2::254), carrier-grade NAT,
 * unspecified, multicast, broadcast, documentation, NAT64 and other reserved ranges are not public.
 */
export function publicAddressProblem(address: string, rules: Pick<TargetRules, "allowPrivate">): string | null {
  if (rules.allowPrivate) return null;
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const range = ipaddr.process(address).range();
  return range === "unicast" ? null : `${address} is not a public address (${range})`;
}

function isLocalName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost") || !name.includes(".");
}
