import { MigrationInterface, QueryRunner } from "typeorm";

export class TenantDueIndex1795578098063 implements MigrationInterface {
    name = 'TenantDueIndex1795578098063'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX \`IDX_c863edb6202bf95bbe425267d0\` ON \`invitation\` (\`tenantId\`, \`status\`, \`dueAt\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_c863edb6202bf95bbe425267d0\` ON \`invitation\``);
    }

}
