import { MigrationInterface, QueryRunner } from "typeorm";

export class StateMachine1795950989104 implements MigrationInterface {
    name = 'StateMachine1795950989104'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`tenant\` ADD \`clockHeldBy\` varchar(36) NULL`);
        await queryRunner.query(`ALTER TABLE \`tenant\` ADD \`clockHeldUntil\` datetime(3) NULL`);
        await queryRunner.query(`ALTER TABLE \`invitation\` ADD \`leasedBy\` varchar(36) NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`invitation\` DROP COLUMN \`leasedBy\``);
        await queryRunner.query(`ALTER TABLE \`tenant\` DROP COLUMN \`clockHeldUntil\``);
        await queryRunner.query(`ALTER TABLE \`tenant\` DROP COLUMN \`clockHeldBy\``);
    }

}
