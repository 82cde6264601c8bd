import type { EntityManager } from "typeorm";
import type { HireFacts } from "../domain/hire-status.js";
import { ConnectAccount, Employee, Employment, Invitation, User } from "../entities/index.js";

/** An employment's employee ids and the facts its ConnectStatus is derived from, as the transaction sees them now. */
export interface HireSnapshot {
  employeeId: string;
  externalId: string | null;
  facts: HireFacts;
}

/**
 * One read of the employment with its employee, user, Connect account and current invitation, in
 * `manager`'s transaction (after the change a history row describes), for the ConnectStatus at `at`.
 * Reads only; null: no such employment.
 */
export async function hireFactsOf(manager: EntityManager, p: { tenantId: string; employmentId: string; at: Date }): Promise<HireSnapshot | null> {
  const row = await manager
    .createQueryBuilder(Employment, "m")
    .innerJoin(Employee, "e", "e.id = m.employeeId AND e.tenantId = m.tenantId")
    .leftJoin(User, "u", "u.employeeId = e.id AND u.tenantId = m.tenantId")
    .leftJoin(ConnectAccount, "a", "a.userId = u.id AND a.tenantId = m.tenantId")
    .leftJoin(Invitation, "i", "i.id = m.currentInvitationId AND i.tenantId = m.tenantId")
    // aliases through TypeORM, which quotes them: PostgreSQL folds unquoted names to lower case
    .select("m.employeeId", "employeeId")
    .addSelect("e.externalId", "externalId")
    .addSelect("e.email", "email")
    .addSelect("m.status", "employmentStatus")
    .addSelect("m.reviewStatus", "reviewStatus")
    .addSelect("u.id", "userId")
    .addSelect("a.id", "accountId")
    .addSelect("i.status", "invitationStatus")
    // whether the link had expired at `at`, compared by the database: no raw instant to parse per driver
    .addSelect("CASE WHEN i.expiresAt <= :at THEN 1 ELSE 0 END", "expired")
    .where("m.id = :employmentId AND m.tenantId = :tenantId", p)
    .getRawOne<Record<string, unknown>>();
  if (!row) return null;
  const expiresAt = Number(row.expired) === 1 ? p.at : null; // all connectStatusOf needs: expired by `at` or not
  return {
    employeeId: row.employeeId as string,
    externalId: (row.externalId as string | null) ?? null,
    facts: {
      employmentStatus: row.employmentStatus as HireFacts["employmentStatus"],
      reviewStatus: row.reviewStatus as HireFacts["reviewStatus"],
      hasUser: row.userId != null,
      email: (row.email as string | null) ?? null,
      connected: row.accountId != null,
      invitation: row.invitationStatus == null ? null : { status: row.invitationStatus as NonNullable<HireFacts["invitation"]>["status"], expiresAt },
    },
  };
}
