import { MigrationInterface, QueryRunner } from "typeorm";

export class Foundation1795566686323 implements MigrationInterface {
    name = 'Foundation1795566686323'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "tenant" ("id" character varying(36) NOT NULL, "name" character varying(200) NOT NULL, "timeZone" character varying(64) NOT NULL, "hasEmployeeLicense" boolean NOT NULL DEFAULT false, "sandbox" boolean NOT NULL DEFAULT false, "testClockNow" TIMESTAMP(3), "createdAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_da8c6efd67bb301e810e56ac139" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "api_key" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "name" character varying(100) NOT NULL, "roles" text NOT NULL, "keyHash" character(64) NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL, "revokedAt" TIMESTAMP(3), CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_b7af40f187f158c5c4188f45ac" ON "api_key"  ("tenantId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_4aacb7c1641a74534c8a96c4dc" ON "api_key"  ("keyHash") `);
        await queryRunner.query(`ALTER TABLE "api_key" ADD CONSTRAINT "FK_b7af40f187f158c5c4188f45acd" FOREIGN KEY ("tenantId") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "api_key" DROP CONSTRAINT "FK_b7af40f187f158c5c4188f45acd"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_4aacb7c1641a74534c8a96c4dc"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_b7af40f187f158c5c4188f45ac"`);
        await queryRunner.query(`DROP TABLE "api_key"`);
        await queryRunner.query(`DROP TABLE "tenant"`);
    }

}
