import { Field, Int, ObjectType } from "type-graphql";
import { EmploymentType } from "./employment.type.js";

@ObjectType("ImportRowError", { description: "Why one row of importHires was skipped." })
export class ImportRowErrorType {
  @Field(() => Int, { description: "1-based position in `rows`." })
  row!: number;

  @Field(() => String, { nullable: true })
  field?: string | null;

  @Field(() => String)
  message!: string;
}

@ObjectType("ImportHiresPayload")
export class ImportHiresPayloadType {
  @Field(() => Int)
  created!: number;

  @Field(() => Int, { description: "Rows whose externalId was already registered." })
  unchanged!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => [ImportRowErrorType], { description: "A bad row is reported and skipped; the good rows are saved." })
  errors!: ImportRowErrorType[];

  @Field(() => [EmploymentType])
  employments!: EmploymentType[];
}
