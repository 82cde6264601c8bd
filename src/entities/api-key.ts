import { Column, Entity, Index, ManyToOne, JoinColumn } from "typeorm";
import { IdColumn, InstantColumn, RefColumn } from "./columns.js";
import { Tenant } from "./tenant.js";
import type { Role } from "../auth/roles.js";

/** A bearer key of one tenant. Only the SHA-256 of the key is stored; the key is shown once. */
@Entity({ name: "api_key" })
export class ApiKey {
  @IdColumn()
  id!: string;

  @RefColumn()
  @Index()
  tenantId!: string;

  @ManyToOne(() => Tenant, { onDelete: "CASCADE" })
  @JoinColumn({ name: "tenantId" })
  tenant?: Tenant;

  @Column({ type: "varchar", length: 100 })
  name!: string;

  @Column({ type: "simple-array" })
  roles!: Role[];

  @Column({ type: "char", length: 64 })
  @Index({ unique: true })
  keyHash!: string;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  revokedAt!: Date | null;
}
