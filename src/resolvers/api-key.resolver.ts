import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import { CreateApiKeyInput, CreateApiKeyPayloadType } from "./types/api-key.type.js";

@Resolver()
export class ApiKeyResolver {
  @Authorized("HR_ADMIN")
  @Mutation(() => CreateApiKeyPayloadType, { description: "A new key of the caller's tenant; the key is shown only here" })
  createApiKey(@Arg("input", () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: RequestContext) {
    return ctx.services.apiKeys.create(ctx.tenant(), input.name.trim(), input.roles);
  }
}
