import { Field, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../../schema/scalars.js";
import { LinkState } from "./enums.js";

@ObjectType("LinkInfo", { description: "(public) What the verification page shows." })
export class LinkInfoType {
  @Field(() => LinkState)
  state!: LinkState;

  @Field(() => String, { nullable: true, description: "E.g. a***@acme.se." })
  maskedEmail?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  expiresAt?: Date | null;

  @Field(() => Boolean, {
    description: "R10: the link is INVALID because a reminder e-mail replaced it, and the reminder's link works: the hire should use the newest e-mail.",
  })
  replacedByReminder!: boolean;
}
