import { hash, randomBytes } from "node:crypto";

/** A link token: 256 random bits. Only its hash is stored; the token itself lives only in the e-mail. */
export function generateLinkToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashLinkToken(token: string): string {
  return hash("sha256", token, "hex");
}
