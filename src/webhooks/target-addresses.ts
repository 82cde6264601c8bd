import { lookup } from "node:dns/promises";
import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { publicAddressProblem } from "../domain/webhook-target.js";

/** A host's addresses, each with its IP family. */
export type ResolveHost = (host: string) => Promise<{ address: string; family: 4 | 6 }[]>;

/** The refusal of a target: a non-public address (or a name resolving to one), or a name that does not resolve. */
export class TargetRefused extends Error {
  override name = "TargetRefused";
}

const DEADLINE_MS = 5000;

/**
 * Resolves host names with node's resolver on `servers` (Config.dnsServers), else the system's
 * (dns.lookup: /etc/hosts too). An IP literal is its own address.
 */
export function createResolveHost(servers?: string[]): ResolveHost {
  return async (host) => {
    const family = isIP(host);
    if (family) return [{ address: host, family: family as 4 | 6 }];
    if (!servers) return (await lookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
    const resolver = new Resolver({ timeout: Math.floor(DEADLINE_MS / 2), tries: 1 });
    resolver.setServers(servers);
    const absent = (error: { code?: string }) => (error.code === "ENODATA" || error.code === "ENOTFOUND" ? [] : Promise.reject(error));
    const [v4, v6] = await Promise.all([resolver.resolve4(host).catch(absent), resolver.resolve6(host).catch(absent)]);
    return [...v4.map((address) => ({ address, family: 4 as const })), ...v6.map((address) => ({ address, family: 6 as const }))];
  };
}

/**
 * The address to connect to for `host`: every address it resolves to must be public (unless private
 * targets are allowed), so that a name with one private record among public ones is refused too; the
 * request then goes to this checked address, never to a second lookup a rebinding name could change.
 */
export async function checkedAddress(resolve: ResolveHost, host: string, allowPrivate: boolean): Promise<{ address: string; family: 4 | 6 }> {
  let addresses: { address: string; family: 4 | 6 }[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw new TargetRefused(`${host} did not resolve: ${(error as { code?: string }).code ?? String(error)}`);
  }
  if (addresses.length === 0) throw new TargetRefused(`${host} has no address`);
  for (const { address } of addresses) {
    const problem = publicAddressProblem(address, { allowPrivate });
    if (problem) throw new TargetRefused(host === address ? problem : `${host} resolves to ${problem}`);
  }
  return addresses[0]!;
}
