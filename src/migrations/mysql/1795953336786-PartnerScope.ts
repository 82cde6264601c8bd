import { MigrationInterface, QueryRunner } from "typeorm";

export class PartnerScope1795953336786 implements MigrationInterface {
    name = 'PartnerScope1795953336786'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_36df57c32cfb79fee679092724\` ON \`employee\``);
        await queryRunner.query(`ALTER TABLE \`employee\` ADD \`registeredByPartner\` varchar(100) NOT NULL DEFAULT ''`);
        await queryRunner.query(`CREATE UNIQUE INDEX \`IDX_33b1278ee3010ac083d46bdda9\` ON \`employee\` (\`tenantId\`, \`registeredByPartner\`, \`externalId\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_33b1278ee3010ac083d46bdda9\` ON \`employee\``);
        await queryRunner.query(`ALTER TABLE \`employee\` DROP COLUMN \`registeredByPartner\``);
        await queryRunner.query(`CREATE UNIQUE INDEX \`IDX_36df57c32cfb79fee679092724\` ON \`employee\` (\`tenantId\`, \`externalId\`)`);
    }

}
