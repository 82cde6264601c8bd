import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Employment, EmploymentEvent } from "../entities/index.js";
import { EmploymentType } from "./types/employment.type.js";
import { EmploymentHistoryEntryType } from "./types/history.type.js";

@Resolver(() => EmploymentType)
export class EmploymentHistoryResolver {
  @FieldResolver(() => [EmploymentHistoryEntryType], { description: "What happened to this employment and who did it, oldest first." })
  history(@Root() employment: Employment, @Ctx() ctx: RequestContext): Promise<EmploymentEvent[]> {
    return ctx.services.queries.history(ctx.tenant(), employment.id);
  }
}
