import { MigrationInterface, QueryRunner } from "typeorm";

export class Leavers1796100000000 implements MigrationInterface {
    name = 'Leavers1796100000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "employment" ADD "disconnectDoneAt" TIMESTAMP(3)`);
        await queryRunner.query(`CREATE INDEX "IDX_0ab0c847302284d53420d6050a" ON "employment"  ("tenantId", "disconnectDoneAt", "disconnectAt") `);
        await queryRunner.query(`CREATE INDEX "IDX_3a5c0e61a70ba5ffdb8584dc25" ON "employment"  ("disconnectDoneAt", "disconnectAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_3a5c0e61a70ba5ffdb8584dc25"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_0ab0c847302284d53420d6050a"`);
        await queryRunner.query(`ALTER TABLE "employment" DROP COLUMN "disconnectDoneAt"`);
    }

}
