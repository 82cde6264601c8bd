import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const KEY_PREFIX = "obk_";

/** A new bearer key: 256 random bits, URL-safe. Shown once; only its hash is stored. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString("base64url");
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Compares two keys in time that does not depend on where they differ. */
export function sameKey(given: string, expected: string): boolean {
  return timingSafeEqual(Buffer.from(hashApiKey(given), "hex"), Buffer.from(hashApiKey(expected), "hex"));
}

/** The key of an `Authorization: Bearer <key>` header; undefined when there is none. */
export function bearerKey(header: string | undefined): string | undefined | null {
  if (header === undefined || header.trim() === "") return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}
