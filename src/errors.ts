import { GraphQLError } from "graphql";

/** The machine codes of the client contract (`extensions.code`). */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "LICENSE_REQUIRED"
  | "LINK_EXPIRED"
  | "LINK_USED"
  | "LINK_INVALID"
  | "RATE_LIMITED";

/** The one error type of the product: a stable code for machines and a message that says what to fix. */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, { extensions: { code, ...details } });
    this.name = "AppError";
  }
}

export const badInput = (message: string, field?: string) =>
  new AppError("BAD_USER_INPUT", message, field ? { field } : undefined);
export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} was not found`);
export const conflict = (message: string) => new AppError("CONFLICT", message);
