import { Arg, Mutation, Query, Resolver } from "type-graphql";
import { AppError } from "../errors.js";
import { VerifyInvitationPayloadType } from "./types/account.type.js";
import { LinkInfoType } from "./types/link.type.js";

// Public: the hire opening the invitation link has no API key, so no @Authorized here.
@Resolver()
export class VerificationResolver {
  @Query(() => LinkInfoType, { description: "(public) What the verification page shows for a link." })
  async linkInfo(@Arg("token", () => String) _token: string): Promise<LinkInfoType> {
    throw new AppError("NOT_IMPLEMENTED", "linkInfo is not available on this server yet");
  }

  @Mutation(() => VerifyInvitationPayloadType, { description: "(public) Creates the Connect account of a link." })
  async verifyInvitation(@Arg("token", () => String) _token: string): Promise<VerifyInvitationPayloadType> {
    throw new AppError("NOT_IMPLEMENTED", "verifyInvitation is not available on this server yet");
  }
}
