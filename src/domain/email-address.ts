// The one address rule of every door a hire's address comes in by (registerHire, importHires, the
// CSV file, changeEmail): exactly the addresses the API can also give back, since every address
// field of the schema is an EmailAddress (graphql-scalars), whose serialize refuses anything else —
// and one stored address it refuses would fail every list that contains it.

/** RFC 5321's limit on a whole forward path; MySQL/PostgreSQL columns hold as much. */
export const MAX_EMAIL_ADDRESS = 254;

/**
 * The HTML standard's "valid e-mail address", which graphql-scalars' EmailAddress checks on parse and
 * serialize: ASCII only, no quoted local part, no spaces or control characters, labels of 1–63.
 */
const VALID_EMAIL_ADDRESS = /^[a-zA-Z0-9.!#$%&'*+\/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** True for an address the API accepts and can return: at most 254 characters, the EmailAddress scalar's form. */
export function isEmailAddress(text: string): boolean {
  return text.length <= MAX_EMAIL_ADDRESS && VALID_EMAIL_ADDRESS.test(text);
}

/** Why `text` is not such an address, in words for the caller (it does not repeat the address); null if it is one. */
export function emailAddressProblem(text: string, field = "email"): string | null {
  if (text.length > MAX_EMAIL_ADDRESS) return `${field} must be at most ${MAX_EMAIL_ADDRESS} characters (got ${text.length})`;
  if (!VALID_EMAIL_ADDRESS.test(text)) {
    return `${field} is not an e-mail address such as anna.berg@example.com: only ASCII letters, digits and .!#$%&'*+/=?^_\`{|}~- before the @, no quotes, spaces or invisible characters`;
  }
  return null;
}
