import { MigrationInterface, QueryRunner } from "typeorm";

export class History1795569555286 implements MigrationInterface {
    name = 'History1795569555286'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "employment_event" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "employmentId" character varying(36) NOT NULL, "kind" character varying(32) NOT NULL, "at" TIMESTAMP(3) NOT NULL, "actorKeyId" character varying(36), "actor" character varying(100) NOT NULL, "detail" character varying(500), CONSTRAINT "PK_34122cd613d793e3b28542b6f31" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_32aea13dde2dbfd7630a9dab2f" ON "employment_event"  ("employmentId", "at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_32aea13dde2dbfd7630a9dab2f"`);
        await queryRunner.query(`DROP TABLE "employment_event"`);
    }

}
