import { MigrationInterface, QueryRunner } from "typeorm";

export class History1795569554096 implements MigrationInterface {
    name = 'History1795569554096'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`employment_event\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`employmentId\` varchar(36) NOT NULL, \`kind\` varchar(32) NOT NULL, \`at\` datetime(3) NOT NULL, \`actorKeyId\` varchar(36) NULL, \`actor\` varchar(100) NOT NULL, \`detail\` varchar(500) NULL, INDEX \`IDX_32aea13dde2dbfd7630a9dab2f\` (\`employmentId\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_32aea13dde2dbfd7630a9dab2f\` ON \`employment_event\``);
        await queryRunner.query(`DROP TABLE \`employment_event\``);
    }

}
