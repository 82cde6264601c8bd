import type { TestApp } from "./app.js";

export const CREATE_TENANT = `
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) { adminApiKey tenant { id name timeZone hasEmployeeLicense sandbox clockNow verifiedDomains } }
  }`;

export const TENANT = `query { tenant { id name timeZone hasEmployeeLicense sandbox clockNow } }`;

/** A tenant made by the operator through the API, with its first HR_ADMIN key. */
export async function createTenant(t: TestApp, input: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const response = await t.gql(CREATE_TENANT, { input: { name: "Acme AB", ...input } }, t.operatorKey);
  if (!response.data) throw new Error(`createTenant failed: ${JSON.stringify(response.errors)}`);
  return { id: response.data.createTenant.tenant.id, key: response.data.createTenant.adminApiKey };
}
