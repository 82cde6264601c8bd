import { MigrationInterface, QueryRunner } from "typeorm";

export class Webhooks1796000000001 implements MigrationInterface {
    name = 'Webhooks1796000000001'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`webhook_endpoint\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`url\` varchar(2048) NOT NULL, \`eventTypes\` varchar(1000) NOT NULL DEFAULT '', \`enabled\` tinyint NOT NULL DEFAULT 1, \`disabledReason\` varchar(500) NULL, \`secret\` varchar(100) NOT NULL, \`previousSecret\` varchar(100) NULL, \`previousSecretUntil\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_6656523cdd26950365aa053ef5\` (\`tenantId\`, \`createdAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`webhook_delivery\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`endpointId\` varchar(36) NOT NULL, \`eventId\` varchar(36) NOT NULL, \`eventType\` varchar(40) NOT NULL, \`employmentId\` varchar(36) NOT NULL, \`eventAt\` datetime(3) NOT NULL, \`status\` varchar(16) NOT NULL, \`attempts\` int NOT NULL DEFAULT '0', \`nextAttemptAt\` datetime(3) NULL, \`firstAttemptAt\` datetime(3) NULL, \`lastAttemptAt\` datetime(3) NULL, \`lastResponseStatus\` int NULL, \`lastError\` varchar(500) NULL, \`leasedBy\` varchar(36) NULL, \`leaseUntil\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_349616564a010eade57e95d494\` (\`endpointId\`, \`createdAt\`), INDEX \`IDX_4d6dd295dc8b965ec55b7e3b31\` (\`endpointId\`, \`employmentId\`, \`status\`), INDEX \`IDX_94782787f6d98f21d3cf247962\` (\`status\`, \`nextAttemptAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_94782787f6d98f21d3cf247962\` ON \`webhook_delivery\``);
        await queryRunner.query(`DROP INDEX \`IDX_4d6dd295dc8b965ec55b7e3b31\` ON \`webhook_delivery\``);
        await queryRunner.query(`DROP INDEX \`IDX_349616564a010eade57e95d494\` ON \`webhook_delivery\``);
        await queryRunner.query(`DROP TABLE \`webhook_delivery\``);
        await queryRunner.query(`DROP INDEX \`IDX_6656523cdd26950365aa053ef5\` ON \`webhook_endpoint\``);
        await queryRunner.query(`DROP TABLE \`webhook_endpoint\``);
    }

}
