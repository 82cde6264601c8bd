import { MigrationInterface, QueryRunner } from "typeorm";

export class PartnerScope1795953339894 implements MigrationInterface {
    name = 'PartnerScope1795953339894'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_36df57c32cfb79fee679092724"`);
        await queryRunner.query(`ALTER TABLE "employee" ADD "registeredByPartner" character varying(100) NOT NULL DEFAULT ''`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_33b1278ee3010ac083d46bdda9" ON "employee"  ("tenantId", "registeredByPartner", "externalId") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_33b1278ee3010ac083d46bdda9"`);
        await queryRunner.query(`ALTER TABLE "employee" DROP COLUMN "registeredByPartner"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_36df57c32cfb79fee679092724" ON "employee" USING btree ("tenantId", "externalId") `);
    }

}
