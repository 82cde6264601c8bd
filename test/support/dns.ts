import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import dnsPacket from "dns-packet";

export interface TestDns {
  /** `127.0.0.1:PORT`, for DNS_SERVERS. */
  servers: string;
  /** The TXT records at `name` from now on (each a value; a long one is sent in 255-byte pieces, as DNS does). */
  setTxt(name: string, values: string[]): void;
  /** The A and AAAA records at `name` from now on (IPv4 and IPv6 addresses; TTL 0, so nobody caches them). */
  setAddresses(name: string, addresses: string[]): void;
  /** From now on, queries for `name` get no answer at all (a name server that does not answer). */
  silence(name: string): void;
  /** The names asked for, in arrival order (lower-case). */
  queries: string[];
  close(): Promise<void>;
}

const NXDOMAIN = 3;

/**
 * A real DNS server on a free UDP port of 127.0.0.1: it answers the TXT records a test set for a
 * name, an empty answer for another type at such a name, and NXDOMAIN for every other name.
 */
export async function startTestDns(): Promise<TestDns> {
  const txt = new Map<string, string[]>();
  const hosts = new Map<string, string[]>();
  const silent = new Set<string>();
  const queries: string[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (message, peer) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase().replace(/\.$/, "");
    queries.push(name);
    if (silent.has(name)) return;
    const values = txt.get(name);
    const addresses = hosts.get(name);
    const answers: dnsPacket.Answer[] =
      values && question.type === "TXT"
        ? values.map((value) => ({ type: "TXT", name: question.name, ttl: 60, class: "IN", data: piecesOf(value) }))
        : addresses && (question.type === "A" || question.type === "AAAA")
          ? addresses
              .filter((a) => (question.type === "A") === !a.includes(":"))
              .map((a) => ({ type: question.type as "A" | "AAAA", name: question.name, ttl: 0, class: "IN" as const, data: a }))
          : [];
    const response = dnsPacket.encode({
      type: "response",
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (values || addresses ? 0 : NXDOMAIN),
      questions: query.questions,
      answers,
    });
    socket.send(response, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  const { port } = socket.address() as AddressInfo;
  return {
    servers: `127.0.0.1:${port}`,
    setTxt: (name, values) => void txt.set(name.toLowerCase(), values),
    setAddresses: (name, addresses) => void hosts.set(name.toLowerCase(), addresses),
    silence: (name) => void silent.add(name.toLowerCase()),
    queries,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** A TXT value as DNS carries it: character-strings of at most 255 bytes. */
function piecesOf(value: string): Buffer[] {
  const bytes = Buffer.from(value, "utf8");
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length || pieces.length === 0; at += 255) pieces.push(bytes.subarray(at, at + 255));
  return pieces;
}
