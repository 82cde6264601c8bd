import { MigrationInterface, QueryRunner } from "typeorm";

export class IdempotencyKey1795955644747 implements MigrationInterface {
    name = 'IdempotencyKey1795955644747'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "idempotency_key" ("id" character(64) NOT NULL, "fingerprint" character(64) NOT NULL, "claimId" character varying(36) NOT NULL, "claimedAt" TIMESTAMP(3) NOT NULL, "expiresAt" TIMESTAMP(3) NOT NULL, "status" integer, "body" text, CONSTRAINT "PK_213f125e14469be304f9ff1d452" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_idempotency_key_expiresAt" ON "idempotency_key"  ("expiresAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_idempotency_key_expiresAt"`);
        await queryRunner.query(`DROP TABLE "idempotency_key"`);
    }

}
