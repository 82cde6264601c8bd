import { Foundation1795566686323 } from "./1795566686323-Foundation.js";

/** PostgreSQL migrations (also the embedded database), oldest first. */
export const postgresMigrations = [Foundation1795566686323];
