import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * A rate limit's counter, shared by every api process: `rate-limiter-flexible`'s MySQL and PostgreSQL
 * stores read and write this table themselves (src/http/rate-limits.ts). Its shape is theirs: the
 * MySQL store inserts positional values, so the columns stay in this order.
 */
@Entity({ name: "rate_limit" })
export class RateLimitCounter {
  /** the limiter's prefix and the counted thing, e.g. `public:203.0.113.7` */
  @PrimaryColumn({ type: "varchar", length: 255 })
  key!: string;

  @Column({ type: "int", default: 0 })
  points!: number;

  /** when the count starts again, in ms since the epoch */
  @Column({ type: "bigint", nullable: true })
  expire!: string | null;
}
