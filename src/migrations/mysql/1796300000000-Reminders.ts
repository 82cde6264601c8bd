import { MigrationInterface, QueryRunner } from "typeorm";

export class Reminders1796300000000 implements MigrationInterface {
    name = 'Reminders1796300000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`invitation\` ADD \`previousTokenHash\` char(64) NULL`);
        await queryRunner.query(`ALTER TABLE \`invitation\` ADD \`reminderRetryAt\` datetime(3) NULL`);
        await queryRunner.query(`CREATE INDEX \`IDX_f33c7c6d030cf456b3e93a653d\` ON \`invitation\` (\`previousTokenHash\`)`);
        await queryRunner.query(`CREATE INDEX \`IDX_2338e541cf5a6e35b22324447b\` ON \`invitation\` (\`tenantId\`, \`status\`, \`expiresAt\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_2338e541cf5a6e35b22324447b\` ON \`invitation\``);
        await queryRunner.query(`DROP INDEX \`IDX_f33c7c6d030cf456b3e93a653d\` ON \`invitation\``);
        await queryRunner.query(`ALTER TABLE \`invitation\` DROP COLUMN \`reminderRetryAt\``);
        await queryRunner.query(`ALTER TABLE \`invitation\` DROP COLUMN \`previousTokenHash\``);
    }

}
