import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * R12. Every existing tenant gets a random domainVerificationToken of its own (32 hex characters, as
 * new tenants get). Domains verified before stay verified; of live tenants that share one (possible
 * before R12), the first to verify it holds it (liveDomain), the others keep theirs without.
 */
export class DomainProof1795953101132 implements MigrationInterface {
    name = 'DomainProof1795953101132'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "tenant" ADD "domainVerificationToken" character varying(64)`);
        // gen_random_uuid(): 122 bits from PostgreSQL's strong random source (core since 13), per row
        await queryRunner.query(`UPDATE "tenant" SET "domainVerificationToken" = md5(gen_random_uuid()::text)`);
        await queryRunner.query(`ALTER TABLE "tenant" ALTER COLUMN "domainVerificationToken" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "verified_domain" ADD "liveDomain" character varying(253)`);
        await queryRunner.query(`UPDATE "verified_domain" d SET "liveDomain" = d."domain"
            FROM (SELECT vd."id", ROW_NUMBER() OVER (PARTITION BY vd."domain" ORDER BY vd."createdAt", vd."id") AS n
                  FROM "verified_domain" vd JOIN "tenant" t ON t."id" = vd."tenantId" WHERE NOT t."sandbox") ranked
            WHERE ranked."id" = d."id" AND ranked.n = 1`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_59e95966a3dc0a972825db25e6" ON "verified_domain"  ("liveDomain") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_59e95966a3dc0a972825db25e6"`);
        await queryRunner.query(`ALTER TABLE "verified_domain" DROP COLUMN "liveDomain"`);
        await queryRunner.query(`ALTER TABLE "tenant" DROP COLUMN "domainVerificationToken"`);
    }

}
