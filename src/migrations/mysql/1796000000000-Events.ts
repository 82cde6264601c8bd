import { MigrationInterface, QueryRunner } from "typeorm";

export class Events1796000000000 implements MigrationInterface {
    name = 'Events1796000000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`employment_event\` ADD \`type\` varchar(40) NULL`);
        await queryRunner.query(`ALTER TABLE \`employment_event\` ADD \`employeeId\` varchar(36) NULL`);
        await queryRunner.query(`ALTER TABLE \`employment_event\` ADD \`externalId\` varchar(100) NULL`);
        await queryRunner.query(`ALTER TABLE \`employment_event\` ADD \`connectStatus\` varchar(32) NULL`);
        await queryRunner.query(`ALTER TABLE \`employment_event\` ADD \`webhooksPending\` tinyint NOT NULL DEFAULT 0`);
        await queryRunner.query(`CREATE INDEX \`IDX_a3aa549d65abd38a09e32ebad5\` ON \`employment_event\` (\`webhooksPending\`, \`id\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_a3aa549d65abd38a09e32ebad5\` ON \`employment_event\``);
        await queryRunner.query(`ALTER TABLE \`employment_event\` DROP COLUMN \`webhooksPending\``);
        await queryRunner.query(`ALTER TABLE \`employment_event\` DROP COLUMN \`connectStatus\``);
        await queryRunner.query(`ALTER TABLE \`employment_event\` DROP COLUMN \`externalId\``);
        await queryRunner.query(`ALTER TABLE \`employment_event\` DROP COLUMN \`employeeId\``);
        await queryRunner.query(`ALTER TABLE \`employment_event\` DROP COLUMN \`type\``);
    }

}
