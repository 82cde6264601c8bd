import { MigrationInterface, QueryRunner } from "typeorm";

export class Foundation1795566685363 implements MigrationInterface {
    name = 'Foundation1795566685363'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`tenant\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(200) NOT NULL, \`timeZone\` varchar(64) NOT NULL, \`hasEmployeeLicense\` tinyint NOT NULL DEFAULT 0, \`sandbox\` tinyint NOT NULL DEFAULT 0, \`testClockNow\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`api_key\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`name\` varchar(100) NOT NULL, \`roles\` text NOT NULL, \`keyHash\` char(64) NOT NULL, \`createdAt\` datetime(3) NOT NULL, \`revokedAt\` datetime(3) NULL, INDEX \`IDX_b7af40f187f158c5c4188f45ac\` (\`tenantId\`), UNIQUE INDEX \`IDX_4aacb7c1641a74534c8a96c4dc\` (\`keyHash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`api_key\` ADD CONSTRAINT \`FK_b7af40f187f158c5c4188f45acd\` FOREIGN KEY (\`tenantId\`) REFERENCES \`tenant\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`api_key\` DROP FOREIGN KEY \`FK_b7af40f187f158c5c4188f45acd\``);
        await queryRunner.query(`DROP INDEX \`IDX_4aacb7c1641a74534c8a96c4dc\` ON \`api_key\``);
        await queryRunner.query(`DROP INDEX \`IDX_b7af40f187f158c5c4188f45ac\` ON \`api_key\``);
        await queryRunner.query(`DROP TABLE \`api_key\``);
        await queryRunner.query(`DROP TABLE \`tenant\``);
    }

}
