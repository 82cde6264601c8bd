import { MigrationInterface, QueryRunner } from "typeorm";

export class TenantDueIndex1795578098923 implements MigrationInterface {
    name = 'TenantDueIndex1795578098923'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "IDX_c863edb6202bf95bbe425267d0" ON "invitation"  ("tenantId", "status", "dueAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_c863edb6202bf95bbe425267d0"`);
    }

}
