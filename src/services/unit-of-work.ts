import type { Tenant } from "../entities/index.js";
import { AfterCommit } from "./invitation-jobs.js";
import type { TenantScope } from "./tenant-scope.js";

/** What runs once a use case's transaction has committed: the invitation dispatch. */
export interface AfterCommitWork {
  afterCommit(tenant: Tenant, after: AfterCommit): Promise<void>;
}

/**
 * The one way a use case runs: its reads and writes in one transaction of its tenant's scope (run
 * again from the start if the database broke a deadlock), then the work it queued on `after` — the
 * sends — once that transaction has committed, never before.
 */
export class UnitOfWork {
  constructor(private readonly afterCommit: AfterCommitWork) {}

  /**
   * `into`: queue the after-commit work there instead of running it now (a longer piece of work —
   * an import of many transactions — runs it once at its end with `flush`).
   */
  async run<R>(scope: TenantScope, work: (tx: TenantScope, after: AfterCommit) => Promise<R>, options: { bulk?: boolean; into?: AfterCommit } = {}): Promise<R> {
    const tenant = await scope.tenant();
    let after = new AfterCommit(options.bulk);
    const result = await scope.transaction((tx) => {
      after = new AfterCommit(options.bulk); // a transaction run again starts with nothing queued
      return work(tx, after);
    });
    if (options.into) options.into.add(after);
    else await this.afterCommit.afterCommit(tenant, after);
    return result;
  }

  /** Runs what `into` collected over several committed transactions. */
  flush(tenant: Tenant, after: AfterCommit): Promise<void> {
    return this.afterCommit.afterCommit(tenant, after);
  }
}
