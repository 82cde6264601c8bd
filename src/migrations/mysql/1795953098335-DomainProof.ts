import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * R12. Every existing tenant gets a random domainVerificationToken of its own (32 hex characters, as
 * new tenants get). Domains verified before stay verified; of live tenants that share one (possible
 * before R12), the first to verify it holds it (liveDomain), the others keep theirs without.
 */
export class DomainProof1795953098335 implements MigrationInterface {
    name = 'DomainProof1795953098335'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`tenant\` ADD \`domainVerificationToken\` varchar(64) NULL`);
        // RANDOM_BYTES: MySQL 8 and MariaDB 10.10+; older MariaDB mixes its UUID() and RAND() per row
        const random = (await hasRandomBytes(queryRunner)) ? "LOWER(HEX(RANDOM_BYTES(16)))" : "MD5(CONCAT(UUID(), RAND(), RAND(), `id`))";
        await queryRunner.query(`UPDATE \`tenant\` SET \`domainVerificationToken\` = ${random}`);
        await queryRunner.query(`ALTER TABLE \`tenant\` MODIFY \`domainVerificationToken\` varchar(64) NOT NULL`);
        await queryRunner.query(`ALTER TABLE \`verified_domain\` ADD \`liveDomain\` varchar(253) NULL`);
        await queryRunner.query(`UPDATE \`verified_domain\` d
            JOIN (SELECT ranked.id FROM (
                    SELECT vd.id, ROW_NUMBER() OVER (PARTITION BY vd.domain ORDER BY vd.createdAt, vd.id) AS n
                    FROM \`verified_domain\` vd JOIN \`tenant\` t ON t.id = vd.tenantId WHERE t.sandbox = 0
                  ) ranked WHERE ranked.n = 1) first_holder ON first_holder.id = d.id
            SET d.liveDomain = d.domain`);
        await queryRunner.query(`ALTER TABLE \`verified_domain\` ADD UNIQUE INDEX \`IDX_59e95966a3dc0a972825db25e6\` (\`liveDomain\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`verified_domain\` DROP INDEX \`IDX_59e95966a3dc0a972825db25e6\``);
        await queryRunner.query(`ALTER TABLE \`verified_domain\` DROP COLUMN \`liveDomain\``);
        await queryRunner.query(`ALTER TABLE \`tenant\` DROP COLUMN \`domainVerificationToken\``);
    }

}

async function hasRandomBytes(queryRunner: QueryRunner): Promise<boolean> {
    try {
        await queryRunner.query(`SELECT RANDOM_BYTES(1)`);
        return true;
    } catch {
        return false;
    }
}
