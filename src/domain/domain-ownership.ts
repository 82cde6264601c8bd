// R12: how a live tenant proves it owns an e-mail domain, and which domains nobody can own.
import { parse } from "tldts";

/** The DNS TXT record a tenant publishes to prove it owns `domain` (a normalized domain). */
export interface ProofRecord {
  /** `_onboarding.<domain>` */
  name: string;
  /** `onboarding-verification=<Tenant.domainVerificationToken>` */
  value: string;
}

export function proofRecordFor(domain: string, domainVerificationToken: string): ProofRecord {
  return { name: `_onboarding.${domain}`, value: `onboarding-verification=${domainVerificationToken}` };
}

/**
 * Whether the TXT records found at the proof's name hold its value. Each record is the list of its
 * character-strings (as DNS and node's resolveTxt give them: a long value comes in 255-byte pieces),
 * joined; surrounding spaces are forgiven, anything else must match exactly.
 */
export function hasProof(txtRecords: readonly (readonly string[])[], proof: ProofRecord): boolean {
  return txtRecords.some((pieces) => pieces.join("").trim() === proof.value);
}

/**
 * A public suffix — `com`, `co.uk`, or a private-section one such as `github.io` — is a place where
 * anyone may register a name, so no tenant can own it (Public Suffix List, through tldts). A
 * registrable domain (`acme.co.uk`, `acme.github.io`) or a subdomain of one is not. A name under an
 * unlisted top-level domain (`acme.internal`) counts as registrable.
 */
export function isPublicSuffix(domain: string): boolean {
  return parse(domain, { allowPrivateDomains: true }).domain === null;
}
