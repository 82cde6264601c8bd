import { MigrationInterface, QueryRunner } from "typeorm";

export class Hires1795567103079 implements MigrationInterface {
    name = 'Hires1795567103079'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`employee\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`firstName\` varchar(100) NOT NULL, \`lastName\` varchar(100) NOT NULL, \`email\` varchar(254) NULL, \`externalId\` varchar(100) NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_36df57c32cfb79fee679092724\` (\`tenantId\`, \`externalId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`employment\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`employeeId\` varchar(36) NOT NULL, \`templateId\` varchar(36) NOT NULL, \`startDate\` date NOT NULL, \`status\` varchar(16) NOT NULL, \`reviewStatus\` varchar(16) NOT NULL, \`approvedSteps\` int NOT NULL DEFAULT '0', \`currentInvitationId\` varchar(36) NULL, \`createdAt\` datetime(3) NOT NULL, \`cancelledAt\` datetime(3) NULL, INDEX \`IDX_4b490cd4a32057af44639c803e\` (\`employeeId\`), UNIQUE INDEX \`IDX_bd249789e8d57eb027d3f6c8a3\` (\`currentInvitationId\`), INDEX \`IDX_e8d42e2aee24ed3d6fa03c5a38\` (\`tenantId\`, \`createdAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`hr_user\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`employeeId\` varchar(36) NOT NULL, \`userTemplateId\` varchar(36) NOT NULL, \`email\` varchar(254) NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_dc7104c6dd6ff4c7f097edc286\` (\`employeeId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`connect_account\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`userId\` varchar(36) NOT NULL, \`email\` varchar(254) NOT NULL, \`method\` varchar(32) NOT NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_50541a36d22ccb7997125ebd43\` (\`userId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`invitation\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`employmentId\` varchar(36) NOT NULL, \`userId\` varchar(36) NOT NULL, \`email\` varchar(254) NOT NULL, \`status\` varchar(16) NOT NULL, \`sendAt\` datetime(3) NOT NULL, \`dueAt\` datetime(3) NOT NULL, \`leaseUntil\` datetime(3) NULL, \`sentAt\` datetime(3) NULL, \`expiresAt\` datetime(3) NULL, \`verifiedAt\` datetime(3) NULL, \`cancelledAt\` datetime(3) NULL, \`tokenHash\` char(64) NULL, \`attempts\` int NOT NULL DEFAULT '0', \`lastError\` varchar(500) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`IDX_a3d599ce0def8200989eb5197e\` (\`employmentId\`), UNIQUE INDEX \`IDX_676ef6471ce7176869d73365a4\` (\`tokenHash\`), INDEX \`IDX_81d9338a4aa8d46ed22d0a5bee\` (\`tenantId\`, \`createdAt\`, \`id\`), INDEX \`IDX_3286f01ceb6e7855bb48d66657\` (\`status\`, \`expiresAt\`), INDEX \`IDX_049295d015ea21cc6d16a83ab0\` (\`status\`, \`dueAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`user_template\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`name\` varchar(100) NOT NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_9a704c6f16d5de437c1b8529b5\` (\`tenantId\`, \`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`employment_template\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`name\` varchar(100) NOT NULL, \`userTemplateId\` varchar(36) NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_c5a4b1c5692687b70c600c5030\` (\`tenantId\`, \`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`verified_domain\` (\`id\` varchar(36) NOT NULL, \`tenantId\` varchar(36) NOT NULL, \`domain\` varchar(253) NOT NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_289633259444c75987709248a9\` (\`tenantId\`, \`domain\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`IDX_289633259444c75987709248a9\` ON \`verified_domain\``);
        await queryRunner.query(`DROP TABLE \`verified_domain\``);
        await queryRunner.query(`DROP INDEX \`IDX_c5a4b1c5692687b70c600c5030\` ON \`employment_template\``);
        await queryRunner.query(`DROP TABLE \`employment_template\``);
        await queryRunner.query(`DROP INDEX \`IDX_9a704c6f16d5de437c1b8529b5\` ON \`user_template\``);
        await queryRunner.query(`DROP TABLE \`user_template\``);
        await queryRunner.query(`DROP INDEX \`IDX_049295d015ea21cc6d16a83ab0\` ON \`invitation\``);
        await queryRunner.query(`DROP INDEX \`IDX_3286f01ceb6e7855bb48d66657\` ON \`invitation\``);
        await queryRunner.query(`DROP INDEX \`IDX_81d9338a4aa8d46ed22d0a5bee\` ON \`invitation\``);
        await queryRunner.query(`DROP INDEX \`IDX_676ef6471ce7176869d73365a4\` ON \`invitation\``);
        await queryRunner.query(`DROP INDEX \`IDX_a3d599ce0def8200989eb5197e\` ON \`invitation\``);
        await queryRunner.query(`DROP TABLE \`invitation\``);
        await queryRunner.query(`DROP INDEX \`IDX_50541a36d22ccb7997125ebd43\` ON \`connect_account\``);
        await queryRunner.query(`DROP TABLE \`connect_account\``);
        await queryRunner.query(`DROP INDEX \`IDX_dc7104c6dd6ff4c7f097edc286\` ON \`hr_user\``);
        await queryRunner.query(`DROP TABLE \`hr_user\``);
        await queryRunner.query(`DROP INDEX \`IDX_e8d42e2aee24ed3d6fa03c5a38\` ON \`employment\``);
        await queryRunner.query(`DROP INDEX \`IDX_bd249789e8d57eb027d3f6c8a3\` ON \`employment\``);
        await queryRunner.query(`DROP INDEX \`IDX_4b490cd4a32057af44639c803e\` ON \`employment\``);
        await queryRunner.query(`DROP TABLE \`employment\``);
        await queryRunner.query(`DROP INDEX \`IDX_36df57c32cfb79fee679092724\` ON \`employee\``);
        await queryRunner.query(`DROP TABLE \`employee\``);
    }

}
