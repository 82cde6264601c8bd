import type { EntityManager } from "typeorm";
import { Employee, Employment } from "../entities/index.js";

/** The hire's first name (for a mail's greeting) of each employment. */
export async function firstNamesOf(manager: EntityManager, employmentIds: string[]): Promise<Map<string, string>> {
  const rows = await manager
    .createQueryBuilder(Employment, "m")
    .innerJoin(Employee, "e", "e.id = m.employeeId")
    // aliases through TypeORM, which quotes them: PostgreSQL folds an unquoted "AS firstName" to firstname
    .select("m.id", "id")
    .addSelect("e.firstName", "firstName")
    .where("m.id IN (:...ids)", { ids: [...new Set(employmentIds)] })
    .getRawMany<{ id: string; firstName: string }>();
  return new Map(rows.map((r) => [r.id, r.firstName]));
}
