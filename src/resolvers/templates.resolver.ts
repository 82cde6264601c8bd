import { Arg, Authorized, Mutation, Resolver } from "type-graphql";
import type { Role } from "../auth/roles.js";
import { AppError } from "../errors.js";
import {
  CreateEmploymentTemplateInput,
  CreateUserTemplateInput,
  EmploymentTemplateType,
  UserTemplateType,
} from "./types/template.type.js";

@Resolver()
export class TemplateResolver {
  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => UserTemplateType)
  async createUserTemplate(
    @Arg("input", () => CreateUserTemplateInput) _input: CreateUserTemplateInput,
  ): Promise<UserTemplateType> {
    throw new AppError("NOT_IMPLEMENTED", "createUserTemplate is not available on this server yet");
  }

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => EmploymentTemplateType)
  async createEmploymentTemplate(
    @Arg("input", () => CreateEmploymentTemplateInput) _input: CreateEmploymentTemplateInput,
  ): Promise<EmploymentTemplateType> {
    throw new AppError("NOT_IMPLEMENTED", "createEmploymentTemplate is not available on this server yet");
  }
}
