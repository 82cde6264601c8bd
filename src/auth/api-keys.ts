import { hash, randomBytes, timingSafeEqual } from "node:crypto";

const KEY_PREFIX = "obk_";

/** A new bearer key: 256 random bits, URL-safe. Shown once; only its hash is stored. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString("base64url");
}

/** SHA-256, hex (crypto.hash: a third of createHash's cost, on every request with a key). */
export function hashApiKey(key: string): string {
  return hash("sha256", key, "hex");
}

/** Compares two key hashes in time that does not depend on where they differ. */
export function sameKeyHash(given: string, expected: string): boolean {
  return timingSafeEqual(Buffer.from(given, "hex"), Buffer.from(expected, "hex"));
}

/** Compares two keys in time that does not depend on where they differ. */
export function sameKey(given: string, expected: string): boolean {
  return sameKeyHash(hashApiKey(given), hashApiKey(expected));
}

/** The key of an `Authorization: Bearer <key>` header; undefined when there is none. */
export function bearerKey(header: string | undefined): string | undefined | null {
  if (header === undefined || header.trim() === "") return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}
