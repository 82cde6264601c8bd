import { MigrationInterface, QueryRunner } from "typeorm";

export class StateMachine1795950991249 implements MigrationInterface {
    name = 'StateMachine1795950991249'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "tenant" ADD "clockHeldBy" character varying(36)`);
        await queryRunner.query(`ALTER TABLE "tenant" ADD "clockHeldUntil" TIMESTAMP(3)`);
        await queryRunner.query(`ALTER TABLE "invitation" ADD "leasedBy" character varying(36)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "invitation" DROP COLUMN "leasedBy"`);
        await queryRunner.query(`ALTER TABLE "tenant" DROP COLUMN "clockHeldUntil"`);
        await queryRunner.query(`ALTER TABLE "tenant" DROP COLUMN "clockHeldBy"`);
    }

}
