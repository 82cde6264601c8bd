import { MigrationInterface, QueryRunner } from "typeorm";

export class IdempotencyKey1795955643723 implements MigrationInterface {
    name = 'IdempotencyKey1795955643723'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`idempotency_key\` (\`id\` char(64) NOT NULL, \`fingerprint\` char(64) NOT NULL, \`claimId\` varchar(36) NOT NULL, \`claimedAt\` datetime(3) NOT NULL, \`expiresAt\` datetime(3) NOT NULL, \`status\` int NULL, \`body\` text NULL, INDEX \`IDX_idempotency_key_expiresAt\` (\`expiresAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_idempotency_key_expiresAt\` ON \`idempotency_key\``);
        await queryRunner.query(`DROP TABLE \`idempotency_key\``);
    }

}
