import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import { VerifyInvitationPayloadType } from "./types/account.type.js";
import { LinkInfoType } from "./types/link.type.js";

// Public: the hire opening the invitation link has no API key, so no @Authorized here.
@Resolver()
export class VerificationResolver {
  @Query(() => LinkInfoType, { description: "(public) What the verification page shows for a link; never uses it." })
  async linkInfo(@Arg("token", () => String) token: string, @Ctx() ctx: RequestContext): Promise<LinkInfoType> {
    await ctx.rateLimits.consumePublic(ctx.clientAddress);
    const { state, maskedEmail, expiresAt, replacedByReminder } = await ctx.services.verification.linkInfo(token);
    return { state, maskedEmail, expiresAt, replacedByReminder } as LinkInfoType;
  }

  @Mutation(() => VerifyInvitationPayloadType, { description: "(public) Uses the link: creates the Connect account and connects the user." })
  async verifyInvitation(@Arg("token", () => String) token: string, @Ctx() ctx: RequestContext): Promise<VerifyInvitationPayloadType> {
    await ctx.rateLimits.consumePublic(ctx.clientAddress);
    return { connectAccount: await ctx.services.verification.verify(token) } as VerifyInvitationPayloadType;
  }
}
