import { MigrationInterface, QueryRunner } from "typeorm";

export class Review1795568462231 implements MigrationInterface {
    name = 'Review1795568462231'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "review_step" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "position" integer NOT NULL, "name" character varying(100) NOT NULL, CONSTRAINT "PK_b37637f4997a6823b7bbd6ccd08" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_1466219ba00fac64592aa4e69a" ON "review_step"  ("tenantId", "position") `);
        await queryRunner.query(`CREATE TABLE "review_decision" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "employmentId" character varying(36) NOT NULL, "position" integer NOT NULL, "stepName" character varying(100) NOT NULL, "decision" character varying(16) NOT NULL, "decidedByKeyId" character varying(36), "decidedBy" character varying(100) NOT NULL, "reason" character varying(1000), "decidedAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_64e856d49c6dc05ed774dbb218e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_5b86facf7508a0295d1f7652d5" ON "review_decision"  ("employmentId", "position") `);
        await queryRunner.query(`ALTER TABLE "employment" ADD "reviewSteps" integer NOT NULL DEFAULT '0'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "employment" DROP COLUMN "reviewSteps"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_5b86facf7508a0295d1f7652d5"`);
        await queryRunner.query(`DROP TABLE "review_decision"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_1466219ba00fac64592aa4e69a"`);
        await queryRunner.query(`DROP TABLE "review_step"`);
    }

}
