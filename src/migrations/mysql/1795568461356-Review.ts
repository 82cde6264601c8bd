import { MigrationInterface, QueryRunner } from "typeorm";

export class Review1795568461356 implements MigrationInterface {
    name = 'Review1795568461356'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`review_step\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`position\` int NOT NULL, \`name\` varchar(100) NOT NULL, UNIQUE INDEX \`IDX_1466219ba00fac64592aa4e69a\` (\`tenantId\`, \`position\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`review_decision\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`employmentId\` varchar(36) NOT NULL, \`position\` int NOT NULL, \`stepName\` varchar(100) NOT NULL, \`decision\` varchar(16) NOT NULL, \`decidedByKeyId\` varchar(36) NULL, \`decidedBy\` varchar(100) NOT NULL, \`reason\` varchar(1000) NULL, \`decidedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_5b86facf7508a0295d1f7652d5\` (\`employmentId\`, \`position\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`employment\` ADD \`reviewSteps\` int NOT NULL DEFAULT '0'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`employment\` DROP COLUMN \`reviewSteps\``);
        await queryRunner.query(`DROP INDEX \`IDX_5b86facf7508a0295d1f7652d5\` ON \`review_decision\``);
        await queryRunner.query(`DROP TABLE \`review_decision\``);
        await queryRunner.query(`DROP INDEX \`IDX_1466219ba00fac64592aa4e69a\` ON \`review_step\``);
        await queryRunner.query(`DROP TABLE \`review_step\``);
    }

}
