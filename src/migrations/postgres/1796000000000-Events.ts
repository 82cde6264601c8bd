import { MigrationInterface, QueryRunner } from "typeorm";

export class Events1796000000000 implements MigrationInterface {
    name = 'Events1796000000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "employment_event" ADD "type" character varying(40)`);
        await queryRunner.query(`ALTER TABLE "employment_event" ADD "employeeId" character varying(36)`);
        await queryRunner.query(`ALTER TABLE "employment_event" ADD "externalId" character varying(100)`);
        await queryRunner.query(`ALTER TABLE "employment_event" ADD "connectStatus" character varying(32)`);
        await queryRunner.query(`ALTER TABLE "employment_event" ADD "webhooksPending" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`CREATE INDEX "IDX_a3aa549d65abd38a09e32ebad5" ON "employment_event"  ("webhooksPending", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_a3aa549d65abd38a09e32ebad5"`);
        await queryRunner.query(`ALTER TABLE "employment_event" DROP COLUMN "webhooksPending"`);
        await queryRunner.query(`ALTER TABLE "employment_event" DROP COLUMN "connectStatus"`);
        await queryRunner.query(`ALTER TABLE "employment_event" DROP COLUMN "externalId"`);
        await queryRunner.query(`ALTER TABLE "employment_event" DROP COLUMN "employeeId"`);
        await queryRunner.query(`ALTER TABLE "employment_event" DROP COLUMN "type"`);
    }

}
