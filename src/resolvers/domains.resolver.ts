import { Arg, Authorized, Mutation, Resolver } from "type-graphql";
import type { Role } from "../auth/roles.js";
import { AppError } from "../errors.js";
import { TenantType } from "./types/tenant.type.js";

// `domain` is a scalar argument, which class-validator never sees: check it here (max 253 chars)
// when the service arrives.
@Resolver()
export class VerifiedDomainResolver {
  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => TenantType)
  async addVerifiedDomain(@Arg("domain", () => String) _domain: string): Promise<TenantType> {
    throw new AppError("NOT_IMPLEMENTED", "addVerifiedDomain is not available on this server yet");
  }

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => TenantType)
  async removeVerifiedDomain(@Arg("domain", () => String) _domain: string): Promise<TenantType> {
    throw new AppError("NOT_IMPLEMENTED", "removeVerifiedDomain is not available on this server yet");
  }
}
