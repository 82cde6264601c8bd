import { Resolver } from "node:dns/promises";

/** The TXT records at a DNS name, each as its character-strings; [] when the name or its TXT records do not exist. */
export type TxtLookup = (name: string) => Promise<string[][]>;

/** A lookup that got no answer (a timeout, SERVFAIL, a refused query): nothing is known about the records. */
export class DnsLookupError extends Error {
  override name = "DnsLookupError";
  constructor(
    readonly dnsName: string,
    /** node's code: ETIMEOUT (also our deadline), ESERVFAIL, ECONNREFUSED, … */
    readonly code: string,
  ) {
    super(`DNS lookup of ${dnsName} failed: ${code}`);
  }
}

export interface TxtLookupOptions {
  /** `ip:port` entries (Config.dnsServers); undefined: the system's resolvers. */
  servers?: string[];
  /** The whole lookup at most, every server and retry included (default 5 s). */
  deadlineMs?: number;
}

const ABSENT = new Set(["ENOTFOUND", "ENODATA"]); // NXDOMAIN, or the name exists without TXT records

/**
 * TXT lookups through node's resolver (c-ares) with our servers and a short deadline, so that a
 * domain whose name servers do not answer costs the caller seconds, not the system's minute.
 */
export function createTxtLookup(options: TxtLookupOptions = {}): TxtLookup {
  const deadlineMs = options.deadlineMs ?? 5000;
  return async (name) => {
    // one resolver per lookup: cancel() at the deadline must not cancel other requests' lookups
    const resolver = new Resolver({ timeout: Math.max(1, Math.floor(deadlineMs / 3)), tries: 2 });
    if (options.servers) resolver.setServers(options.servers);
    let late = false;
    const deadline = setTimeout(() => {
      late = true;
      resolver.cancel();
    }, deadlineMs);
    try {
      return await resolver.resolveTxt(name);
    } catch (error) {
      const code = late ? "ETIMEOUT" : String((error as { code?: string }).code ?? "EUNKNOWN");
      if (ABSENT.has(code)) return [];
      throw new DnsLookupError(name, code);
    } finally {
      clearTimeout(deadline);
    }
  };
}
