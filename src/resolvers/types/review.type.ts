import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeScalar } from "../../schema/scalars.js";

export enum ReviewDecisionKind {
  APPROVED = "APPROVED",
  REJECTED = "REJECTED",
}
registerEnumType(ReviewDecisionKind, { name: "ReviewDecisionKind" });

@ObjectType("ReviewDecision", { description: "Who approved or rejected a step of an employment's review, when and why." })
export class ReviewDecisionType {
  @Field(() => Int, { description: "The step (1-based)." })
  position!: number;

  @Field(() => String, { description: "The step's name when it was decided." })
  stepName!: string;

  @Field(() => ReviewDecisionKind)
  decision!: ReviewDecisionKind;

  @Field(() => String, { description: "The name of the API key that decided." })
  decidedBy!: string;

  @Field(() => DateTimeScalar)
  decidedAt!: Date;

  @Field(() => String, { nullable: true, description: "The reason given with a rejection." })
  reason?: string | null;
}
