import { IsBoolean, IsDate, IsInt, IsOptional, IsTimeZone, Length, Max, MaxLength, Min } from "class-validator";
import { DISCONNECT_AFTER_DAYS_MAX, REMINDER_DAYS_MAX, REMINDER_DAYS_MIN } from "../../domain/tenant-settings.js";
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

  @Field(() => Int, { description: "R9: days after a leaver's end date until the Connect link is removed; default 5." })
  disconnectAfterDays!: number;

  @Field(() => Int, { nullable: true, description: "R10: a reminder this many days before an unused link expires; null: none (the default)." })
  reminderDaysBeforeExpiry?: number | null;
}

@InputType("TenantSettingsInput", { description: "A field left out is unchanged." })
export class TenantSettingsInput {
  @Field(() => Int, { nullable: true, description: "0–365" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(DISCONNECT_AFTER_DAYS_MAX)
  disconnectAfterDays?: number | null;

  @Field(() => Int, { nullable: true, description: "1–4, or null for no reminders" })
  @IsOptional()
  @IsInt()
  @Min(REMINDER_DAYS_MIN)
  @Max(REMINDER_DAYS_MAX)
  reminderDaysBeforeExpiry?: number | null;
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
