import { Field, ID, ObjectType } from "type-graphql";
import { EmailAddressScalar } from "../../schema/scalars.js";
import { UserType } from "./account.type.js";
import { EmploymentType } from "./employment.type.js";
import type { Relation } from "./relation.js";

@ObjectType("Employee")
export class EmployeeType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  firstName!: string;

  @Field(() => String)
  lastName!: string;

  @Field(() => EmailAddressScalar, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  externalId?: string | null;

  @Field(() => UserType, { nullable: true })
  user?: UserType | null;

  @Field(() => [EmploymentType])
  employments!: Relation<EmploymentType>[];
}
