import { Arg, Authorized, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { Role } from "../auth/roles.js";
import { AppError } from "../errors.js";
import { EmailAddressScalar, LocalDateScalar } from "../schema/scalars.js";
import { InvitationStatus } from "./types/enums.js";
import { InvitationConnectionType, InvitationPlanType, InvitationType } from "./types/invitation.type.js";

@Resolver()
export class InvitationResolver {
  @Authorized()
  @Query(() => InvitationConnectionType)
  async invitations(
    @Arg("status", () => InvitationStatus, { nullable: true }) _status?: InvitationStatus | null,
    @Arg("first", () => Int, { nullable: true }) _first?: number | null,
    @Arg("after", () => String, { nullable: true }) _after?: string | null,
  ): Promise<InvitationConnectionType> {
    throw new AppError("NOT_IMPLEMENTED", "invitations is not available on this server yet");
  }

  @Authorized()
  @Query(() => InvitationPlanType, { description: "What registering a hire now would do." })
  async invitationPlan(
    @Arg("startDate", () => LocalDateScalar) _startDate: string,
    @Arg("email", () => EmailAddressScalar, { nullable: true }) _email?: string | null,
  ): Promise<InvitationPlanType> {
    throw new AppError("NOT_IMPLEMENTED", "invitationPlan is not available on this server yet");
  }

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => InvitationType)
  async resendInvitation(@Arg("employmentId", () => ID) _employmentId: string): Promise<InvitationType> {
    throw new AppError("NOT_IMPLEMENTED", "resendInvitation is not available on this server yet");
  }
}
