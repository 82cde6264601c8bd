import { Arg, Authorized, Mutation, Resolver } from "type-graphql";
import type { Role } from "../auth/roles.js";
import { AppError } from "../errors.js";
import { DateTimeScalar } from "../schema/scalars.js";
import { TenantType } from "./types/tenant.type.js";

@Resolver()
export class TestClockResolver {
  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => TenantType, {
    description: "Sandbox tenants only: moves the test clock forward and runs everything due up to `to`.",
  })
  async advanceTestClock(@Arg("to", () => DateTimeScalar) _to: Date): Promise<TenantType> {
    throw new AppError("NOT_IMPLEMENTED", "advanceTestClock is not available on this server yet");
  }
}
