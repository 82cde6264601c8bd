import { MigrationInterface, QueryRunner } from "typeorm";

export class Hires1795567103951 implements MigrationInterface {
    name = 'Hires1795567103951'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "employee" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "firstName" character varying(100) NOT NULL, "lastName" character varying(100) NOT NULL, "email" character varying(254), "externalId" character varying(100), "createdAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_3c2bc72f03fd5abbbc5ac169498" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_36df57c32cfb79fee679092724" ON "employee"  ("tenantId", "externalId") `);
        await queryRunner.query(`CREATE TABLE "employment" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "employeeId" character varying(36) NOT NULL, "templateId" character varying(36) NOT NULL, "startDate" date NOT NULL, "status" character varying(16) NOT NULL, "reviewStatus" character varying(16) NOT NULL, "approvedSteps" integer NOT NULL DEFAULT '0', "currentInvitationId" character varying(36), "createdAt" TIMESTAMP(3) NOT NULL, "cancelledAt" TIMESTAMP(3), CONSTRAINT "PK_80e1cceae89697b78db5c953776" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_4b490cd4a32057af44639c803e" ON "employment"  ("employeeId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_bd249789e8d57eb027d3f6c8a3" ON "employment"  ("currentInvitationId") `);
        await queryRunner.query(`CREATE INDEX "IDX_e8d42e2aee24ed3d6fa03c5a38" ON "employment"  ("tenantId", "createdAt") `);
        await queryRunner.query(`CREATE TABLE "hr_user" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "employeeId" character varying(36) NOT NULL, "userTemplateId" character varying(36) NOT NULL, "email" character varying(254), "createdAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_dd6537bf729c1eea63d24da1c0a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_dc7104c6dd6ff4c7f097edc286" ON "hr_user"  ("employeeId") `);
        await queryRunner.query(`CREATE TABLE "connect_account" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "userId" character varying(36) NOT NULL, "email" character varying(254) NOT NULL, "method" character varying(32) NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_144ffe7cff3e9ba4f2c4c58349f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_50541a36d22ccb7997125ebd43" ON "connect_account"  ("userId") `);
        await queryRunner.query(`CREATE TABLE "invitation" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "employmentId" character varying(36) NOT NULL, "userId" character varying(36) NOT NULL, "email" character varying(254) NOT NULL, "status" character varying(16) NOT NULL, "sendAt" TIMESTAMP(3) NOT NULL, "dueAt" TIMESTAMP(3) NOT NULL, "leaseUntil" TIMESTAMP(3), "sentAt" TIMESTAMP(3), "expiresAt" TIMESTAMP(3), "verifiedAt" TIMESTAMP(3), "cancelledAt" TIMESTAMP(3), "tokenHash" character(64), "attempts" integer NOT NULL DEFAULT '0', "lastError" character varying(500), "createdAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_beb994737756c0f18a1c1f8669c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_a3d599ce0def8200989eb5197e" ON "invitation"  ("employmentId") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_676ef6471ce7176869d73365a4" ON "invitation"  ("tokenHash") `);
        await queryRunner.query(`CREATE INDEX "IDX_81d9338a4aa8d46ed22d0a5bee" ON "invitation"  ("tenantId", "createdAt", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_3286f01ceb6e7855bb48d66657" ON "invitation"  ("status", "expiresAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_049295d015ea21cc6d16a83ab0" ON "invitation"  ("status", "dueAt") `);
        await queryRunner.query(`CREATE TABLE "user_template" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "name" character varying(100) NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_c922516f97f651f16e60de6e0db" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_9a704c6f16d5de437c1b8529b5" ON "user_template"  ("tenantId", "name") `);
        await queryRunner.query(`CREATE TABLE "employment_template" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "name" character varying(100) NOT NULL, "userTemplateId" character varying(36), "createdAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_50937b8811423d95ab03758920c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_c5a4b1c5692687b70c600c5030" ON "employment_template"  ("tenantId", "name") `);
        await queryRunner.query(`CREATE TABLE "verified_domain" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "domain" character varying(253) NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_a52c8bbcc1b5b3420516e6bb3ff" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_289633259444c75987709248a9" ON "verified_domain"  ("tenantId", "domain") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_289633259444c75987709248a9"`);
        await queryRunner.query(`DROP TABLE "verified_domain"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_c5a4b1c5692687b70c600c5030"`);
        await queryRunner.query(`DROP TABLE "employment_template"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_9a704c6f16d5de437c1b8529b5"`);
        await queryRunner.query(`DROP TABLE "user_template"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_049295d015ea21cc6d16a83ab0"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_3286f01ceb6e7855bb48d66657"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_81d9338a4aa8d46ed22d0a5bee"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_676ef6471ce7176869d73365a4"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_a3d599ce0def8200989eb5197e"`);
        await queryRunner.query(`DROP TABLE "invitation"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_50541a36d22ccb7997125ebd43"`);
        await queryRunner.query(`DROP TABLE "connect_account"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_dc7104c6dd6ff4c7f097edc286"`);
        await queryRunner.query(`DROP TABLE "hr_user"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_e8d42e2aee24ed3d6fa03c5a38"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_bd249789e8d57eb027d3f6c8a3"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_4b490cd4a32057af44639c803e"`);
        await queryRunner.query(`DROP TABLE "employment"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_36df57c32cfb79fee679092724"`);
        await queryRunner.query(`DROP TABLE "employee"`);
    }

}
