import { Field, ID, ObjectType } from "type-graphql";
import { DateTimeScalar, EmailAddressScalar } from "../../schema/scalars.js";
import { ConnectMethod, ConnectStatus } from "./enums.js";
import { InvitationType } from "./invitation.type.js";

@ObjectType("ConnectAccount", { description: "The account a hire logs in with." })
export class ConnectAccountType {
  @Field(() => ID)
  id!: string;

  @Field(() => EmailAddressScalar)
  email!: string;

  @Field(() => ConnectMethod)
  method!: ConnectMethod;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

@ObjectType("User")
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field(() => EmailAddressScalar, { nullable: true })
  email?: string | null;

  @Field(() => ConnectStatus)
  connectStatus!: ConnectStatus;

  @Field(() => ConnectAccountType, { nullable: true })
  connectAccount?: ConnectAccountType | null;
}

@ObjectType("AccountStatus")
export class AccountStatusType {
  @Field(() => ID)
  employeeId!: string;

  @Field(() => ConnectStatus)
  connectStatus!: ConnectStatus;

  @Field(() => EmailAddressScalar, { nullable: true })
  email?: string | null;

  @Field(() => InvitationType, { nullable: true })
  invitation?: InvitationType | null;

  @Field(() => ConnectAccountType, { nullable: true })
  connectAccount?: ConnectAccountType | null;
}

@ObjectType("VerifyInvitationPayload")
export class VerifyInvitationPayloadType {
  @Field(() => ConnectAccountType)
  connectAccount!: ConnectAccountType;
}
