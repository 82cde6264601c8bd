import type { WhereExpressionBuilder } from "typeorm";

/** Whose invitations a worker's statement may touch: one tenant's, or every live tenant's (sandboxes run on their test clocks). */
export type InvitationsOf = { tenantId: string } | { liveTenants: true };

/** Adds the `InvitationsOf` condition on `column` (e.g. "i.tenantId", or "tenantId" in an UPDATE). */
export function whereInvitationsOf<Q extends WhereExpressionBuilder>(query: Q, column: string, of: InvitationsOf): Q {
  return "tenantId" in of
    ? query.andWhere(`${column} = :ofTenantId`, { ofTenantId: of.tenantId })
    : query.andWhere(`${column} IN (SELECT t.id FROM tenant t WHERE t.sandbox = :ofSandbox)`, { ofSandbox: false });
}
