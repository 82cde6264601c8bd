import { randomBytes } from "node:crypto";
import type { TestApp } from "./app.js";
import { createTenant } from "./fixtures.js";
import type { TestSmtp } from "./smtp.js";

export const HIRE_FIELDS = `
  employee { id firstName lastName email externalId user { id email connectStatus connectAccount { id email method createdAt } } }
  employment { id startDate status reviewStatus approvedSteps connectStatus
    template { id name userTemplate { id name } }
    invitation { id email status sendAt sentAt expiresAt verifiedAt attempts lastError } }`;

export const REGISTER = `mutation Register($input: RegisterHireInput!) { registerHire(input: $input) { ${HIRE_FIELDS} } }`;

export const ACCOUNT_STATUS = `query Status($id: ID!) {
  accountStatus(employeeId: $id) { employeeId connectStatus email
    invitation { id email status sendAt sentAt expiresAt verifiedAt attempts lastError }
    connectAccount { id email method createdAt } } }`;

export const EMPLOYMENT = `query Employment($id: ID!) { employment(id: $id) { id startDate status connectStatus
  invitation { id email status sendAt sentAt expiresAt verifiedAt attempts lastError } } }`;

export const ADVANCE = `mutation Advance($to: DateTime!) { advanceTestClock(to: $to) { clockNow } }`;

/** A unique address, so that each test counts only its own mail. */
export const address = (name: string, domain = "example.org") => `${name}.${randomBytes(3).toString("hex")}@${domain}`;

export interface HrTenant {
  id: string;
  key: string;
  /** An employment template that links a user template (its hires get a user and an invitation). */
  templateId: string;
  /** An employment template without a user template (R1: no user, nothing else). */
  noUserTemplateId: string;
}

/** A tenant with the templates a registration needs, made through the API as HR would. */
export async function hrTenant(t: TestApp, input: Record<string, unknown> = {}): Promise<HrTenant> {
  const tenant = await createTenant(t, input);
  const user = await t.gql(`mutation { createUserTemplate(input: { name: "Employee" }) { id } }`, {}, tenant.key);
  const linked = await t.gql(
    `mutation($u: ID) { createEmploymentTemplate(input: { name: "Permanent", userTemplateId: $u }) { id } }`,
    { u: user.data.createUserTemplate.id },
    tenant.key,
  );
  const unlinked = await t.gql(`mutation { createEmploymentTemplate(input: { name: "Consultant" }) { id } }`, {}, tenant.key);
  return {
    ...tenant,
    templateId: linked.data.createEmploymentTemplate.id,
    noUserTemplateId: unlinked.data.createEmploymentTemplate.id,
  };
}

/** A sandbox tenant whose test clock starts at `clockStart`. */
export const sandboxTenant = (t: TestApp, clockStart: string, timeZone = "Europe/Stockholm") =>
  hrTenant(t, { name: "Sandbox AB", sandbox: true, clockStart, timeZone });

export async function register(t: TestApp, tenant: HrTenant, input: Record<string, unknown>) {
  const response = await t.gql(REGISTER, { input: { firstName: "Anna", lastName: "Berg", employmentTemplateId: tenant.templateId, ...input } }, tenant.key);
  if (!response.data) throw new Error(`registerHire failed: ${JSON.stringify(response.errors)}`);
  return response.data.registerHire as { employee: any; employment: any };
}

export async function advance(t: TestApp, tenant: HrTenant, to: string): Promise<void> {
  const response = await t.gql(ADVANCE, { to }, tenant.key);
  if (!response.data) throw new Error(`advanceTestClock failed: ${JSON.stringify(response.errors)}`);
}

export const mailsTo = (smtp: TestSmtp, to: string) => smtp.received.filter((m) => m.to.includes(to));

/**
 * The employee's accountStatus once its invitation is no longer waiting to be sent (or after
 * `timeoutMs`): the SMTP server has a mail a moment before the worker records it as SENT, as a
 * hire's inbox may.
 */
export async function statusAfterSend(t: TestApp, tenant: HrTenant, employeeId: string, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const response = await t.gql(ACCOUNT_STATUS, { id: employeeId }, tenant.key);
    const status = response.data?.accountStatus;
    if (!status) throw new Error(`accountStatus failed: ${JSON.stringify(response.errors)}`);
    if (status.connectStatus !== "INVITATION_SCHEDULED" || Date.now() > until) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The token of the newest link mailed to `to`. */
export function tokenMailedTo(smtp: TestSmtp, to: string): string {
  const link = smtp.linksTo(to).at(-1);
  if (!link) throw new Error(`no link was mailed to ${to}`);
  return new URL(link).searchParams.get("token")!;
}
