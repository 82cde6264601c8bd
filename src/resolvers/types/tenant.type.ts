import { IsBoolean, IsDate, IsOptional, IsTimeZone, Length, MaxLength } from "class-validator";
import { Authorized, Field, ID, InputType, Int, ObjectType } from "type-graphql";
import type { Role } from "../../auth/roles.js";
import { DateTimeScalar } from "../../schema/scalars.js";
import { NotBlank } from "./validation.js";

@ObjectType("ReviewStep")
export class ReviewStepType {
  @Field(() => Int)
  position!: number;

  @Field(() => String)
  name!: string;
}

@ObjectType("ReviewFlow", { description: "The approvals a hire needs before the account is created, in order." })
export class ReviewFlowType {
  @Field(() => [ReviewStepType])
  steps!: ReviewStepType[];
}

@ObjectType("Tenant")
export class TenantType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  timeZone!: string;

  @Field(() => Boolean)
  hasEmployeeLicense!: boolean;

  @Field(() => Boolean)
  sandbox!: boolean;

  @Field(() => DateTimeScalar, { description: "The tenant's current time: real time, or the test clock of a sandbox." })
  clockNow!: Date;

  @Field(() => [String])
  verifiedDomains!: string[];

  @Authorized<Role>("HR_ADMIN", "OPERATOR")
  @Field(() => String, {
    description: 'R12: a live tenant proves a domain with the DNS TXT record "_onboarding.<domain>" = "onboarding-verification=<this token>". HR_ADMIN only.',
  })
  domainVerificationToken!: string;

  @Field(() => ReviewFlowType, { nullable: true })
  reviewFlow?: ReviewFlowType | null;
}

@InputType("CreateTenantInput")
export class CreateTenantInput {
  @Field(() => String)
  @NotBlank()
  @Length(1, 200)
  name!: string;

  @Field(() => String, { nullable: true, description: "IANA name; default Europe/Stockholm." })
  @IsOptional()
  @MaxLength(64)
  @IsTimeZone()
  timeZone?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Default false." })
  @IsOptional()
  @IsBoolean()
  hasEmployeeLicense?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Default false: a sandbox tenant runs on a test clock." })
  @IsOptional()
  @IsBoolean()
  sandbox?: boolean | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Sandbox only: where its test clock starts; default now." })
  @IsOptional()
  @IsDate()
  clockStart?: Date | null;
}

@ObjectType("CreateTenantPayload")
export class CreateTenantPayloadType {
  @Field(() => TenantType)
  tenant!: TenantType;

  @Field(() => String)
  adminApiKey!: string;
}

@InputType("ReviewStepInput")
export class ReviewStepInput {
  @Field(() => String)
  @NotBlank()
  @Length(1, 100)
  name!: string;
}
