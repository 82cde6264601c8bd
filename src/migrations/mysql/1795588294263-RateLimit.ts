import { MigrationInterface, QueryRunner } from "typeorm";

export class RateLimit1795588294263 implements MigrationInterface {
    name = 'RateLimit1795588294263'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`rate_limit\` (\`key\` varchar(255) NOT NULL, \`points\` int NOT NULL DEFAULT '0', \`expire\` bigint NULL, PRIMARY KEY (\`key\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE \`rate_limit\``);
    }

}
