import { MigrationInterface, QueryRunner } from "typeorm";

export class Lifecycle1795970000000 implements MigrationInterface {
    name = 'Lifecycle1795970000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "tenant" ADD "disconnectAfterDays" integer NOT NULL DEFAULT '5'`);
        await queryRunner.query(`ALTER TABLE "tenant" ADD "reminderDaysBeforeExpiry" integer`);
        await queryRunner.query(`ALTER TABLE "employment" ADD "endDate" date`);
        await queryRunner.query(`ALTER TABLE "employment" ADD "disconnectAt" TIMESTAMP(3)`);
        await queryRunner.query(`ALTER TABLE "connect_account" ADD "disconnectedAt" TIMESTAMP(3)`);
        await queryRunner.query(`ALTER TABLE "invitation" ADD "remindedAt" TIMESTAMP(3)`);
        await queryRunner.query(`ALTER TABLE "user_template" ADD "disconnectAfterDays" integer`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "user_template" DROP COLUMN "disconnectAfterDays"`);
        await queryRunner.query(`ALTER TABLE "invitation" DROP COLUMN "remindedAt"`);
        await queryRunner.query(`ALTER TABLE "connect_account" DROP COLUMN "disconnectedAt"`);
        await queryRunner.query(`ALTER TABLE "employment" DROP COLUMN "disconnectAt"`);
        await queryRunner.query(`ALTER TABLE "employment" DROP COLUMN "endDate"`);
        await queryRunner.query(`ALTER TABLE "tenant" DROP COLUMN "reminderDaysBeforeExpiry"`);
        await queryRunner.query(`ALTER TABLE "tenant" DROP COLUMN "disconnectAfterDays"`);
    }

}
