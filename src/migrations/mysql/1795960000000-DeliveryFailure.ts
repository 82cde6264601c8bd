import { MigrationInterface, QueryRunner } from "typeorm";

export class DeliveryFailure1795960000000 implements MigrationInterface {
    name = 'DeliveryFailure1795960000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`invitation\` ADD \`firstAttemptAt\` datetime(3) NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`invitation\` DROP COLUMN \`firstAttemptAt\``);
    }

}
