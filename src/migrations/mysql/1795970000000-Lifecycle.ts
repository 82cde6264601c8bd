import { MigrationInterface, QueryRunner } from "typeorm";

export class Lifecycle1795970000000 implements MigrationInterface {
    name = 'Lifecycle1795970000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`tenant\` ADD \`disconnectAfterDays\` int NOT NULL DEFAULT '5'`);
        await queryRunner.query(`ALTER TABLE \`tenant\` ADD \`reminderDaysBeforeExpiry\` int NULL`);
        await queryRunner.query(`ALTER TABLE \`employment\` ADD \`endDate\` date NULL`);
        await queryRunner.query(`ALTER TABLE \`employment\` ADD \`disconnectAt\` datetime(3) NULL`);
        await queryRunner.query(`ALTER TABLE \`connect_account\` ADD \`disconnectedAt\` datetime(3) NULL`);
        await queryRunner.query(`ALTER TABLE \`invitation\` ADD \`remindedAt\` datetime(3) NULL`);
        await queryRunner.query(`ALTER TABLE \`user_template\` ADD \`disconnectAfterDays\` int NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`user_template\` DROP COLUMN \`disconnectAfterDays\``);
        await queryRunner.query(`ALTER TABLE \`invitation\` DROP COLUMN \`remindedAt\``);
        await queryRunner.query(`ALTER TABLE \`connect_account\` DROP COLUMN \`disconnectedAt\``);
        await queryRunner.query(`ALTER TABLE \`employment\` DROP COLUMN \`disconnectAt\``);
        await queryRunner.query(`ALTER TABLE \`employment\` DROP COLUMN \`endDate\``);
        await queryRunner.query(`ALTER TABLE \`tenant\` DROP COLUMN \`reminderDaysBeforeExpiry\``);
        await queryRunner.query(`ALTER TABLE \`tenant\` DROP COLUMN \`disconnectAfterDays\``);
    }

}
