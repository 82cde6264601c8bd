import type { AuthCheckerFn } from "type-graphql";
import { AppError } from "../errors.js";
import type { RequestContext } from "./context.js";
import type { Role } from "./roles.js";

/** `@Authorized(...roles)`: no valid key → UNAUTHENTICATED; a key without one of the roles → FORBIDDEN. */
export const authChecker: AuthCheckerFn<RequestContext, Role> = ({ context }, roles) => {
  const { principal } = context;
  if (!principal) {
    throw new AppError("UNAUTHENTICATED", context.authFailure ?? "Send an API key: Authorization: Bearer <key>");
  }
  if (roles.length === 0 || roles.some((role) => principal.roles.includes(role))) return true;
  throw new AppError("FORBIDDEN", `This operation needs a key with the role ${roles.join(" or ")}`);
};
