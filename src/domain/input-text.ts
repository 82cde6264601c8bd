// PostgreSQL (and so the embedded database) cannot hold the NUL character in text, and no name, id,
// key or cursor of ours contains one: every door refuses it as the caller's mistake, on every
// database alike, before anything is read or written with it.

export const hasNul = (text: string): boolean => text.includes("\u0000");

/** The refusal's words; `field` as the caller named it ("firstName", "input.firstName", "steps[1].name"). */
export const nulProblem = (field: string): string => `${field} must not contain the NUL character (\\u0000)`;
