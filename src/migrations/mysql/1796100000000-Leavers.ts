import { MigrationInterface, QueryRunner } from "typeorm";

export class Leavers1796100000000 implements MigrationInterface {
    name = 'Leavers1796100000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`employment\` ADD \`disconnectDoneAt\` datetime(3) NULL`);
        await queryRunner.query(`CREATE INDEX \`IDX_0ab0c847302284d53420d6050a\` ON \`employment\` (\`tenantId\`, \`disconnectDoneAt\`, \`disconnectAt\`)`);
        await queryRunner.query(`CREATE INDEX \`IDX_3a5c0e61a70ba5ffdb8584dc25\` ON \`employment\` (\`disconnectDoneAt\`, \`disconnectAt\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_3a5c0e61a70ba5ffdb8584dc25\` ON \`employment\``);
        await queryRunner.query(`DROP INDEX \`IDX_0ab0c847302284d53420d6050a\` ON \`employment\``);
        await queryRunner.query(`ALTER TABLE \`employment\` DROP COLUMN \`disconnectDoneAt\``);
    }

}
