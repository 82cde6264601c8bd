import { MigrationInterface, QueryRunner } from "typeorm";

export class Webhooks1796000000001 implements MigrationInterface {
    name = 'Webhooks1796000000001'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "webhook_endpoint" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "url" character varying(2048) NOT NULL, "eventTypes" character varying(1000) NOT NULL DEFAULT '', "enabled" boolean NOT NULL DEFAULT true, "disabledReason" character varying(500), "secret" character varying(100) NOT NULL, "previousSecret" character varying(100), "previousSecretUntil" TIMESTAMP(3), "createdAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_6c98112122b2b8a4f3984d2efa8" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_6656523cdd26950365aa053ef5" ON "webhook_endpoint"  ("tenantId", "createdAt") `);
        await queryRunner.query(`CREATE TABLE "webhook_delivery" ("id" character varying(36) NOT NULL, "tenantId" character varying(36) NOT NULL, "endpointId" character varying(36) NOT NULL, "eventId" character varying(36) NOT NULL, "eventType" character varying(40) NOT NULL, "employmentId" character varying(36) NOT NULL, "eventAt" TIMESTAMP(3) NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "nextAttemptAt" TIMESTAMP(3), "firstAttemptAt" TIMESTAMP(3), "lastAttemptAt" TIMESTAMP(3), "lastResponseStatus" integer, "lastError" character varying(500), "leasedBy" character varying(36), "leaseUntil" TIMESTAMP(3), "createdAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_b1ae290239a778f12399db91354" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_349616564a010eade57e95d494" ON "webhook_delivery"  ("endpointId", "createdAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_4d6dd295dc8b965ec55b7e3b31" ON "webhook_delivery"  ("endpointId", "employmentId", "status") `);
        await queryRunner.query(`CREATE INDEX "IDX_94782787f6d98f21d3cf247962" ON "webhook_delivery"  ("status", "nextAttemptAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_94782787f6d98f21d3cf247962"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_4d6dd295dc8b965ec55b7e3b31"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_349616564a010eade57e95d494"`);
        await queryRunner.query(`DROP TABLE "webhook_delivery"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_6656523cdd26950365aa053ef5"`);
        await queryRunner.query(`DROP TABLE "webhook_endpoint"`);
    }

}
