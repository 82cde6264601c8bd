import type { DataSource } from "typeorm";
import type { Logger } from "../log.js";
import { eventIdsBetween, eventsAfter, eventsWithIds, FEED_BATCH, type TailedEvent } from "../sql/tailEmploymentEvents.js";

export interface FeedSettings {
  /** How often the table is read while anyone listens (Config.subscriptions.pollMs). */
  pollMs: number;
  /** How far back the overlap read looks (Config.subscriptions.overlapMs). */
  overlapMs: number;
}

/** How often the overlap is read again for late commits: their lag, at most, beyond a poll. */
const LATE_READ_EVERY_MS = 1000;
/** After a failed read (the database unreachable), the next one waits this long. */
const RETRY_AFTER_MS = 1000;
/** The least time between two reads, however often this process writes events (`kick`). */
const MIN_GAP_MS = 20;

export type FeedListener = (tailed: TailedEvent) => void;

/**
 * The events every process writes, as this process's subscribers hear them: one reader of the
 * employment_event table per process, fanned out in memory to its listeners (of one tenant each), and
 * reading only while anyone listens. It works on every database we support and reaches subscribers
 * of every api process, whichever process wrote the event (a worker's sends and expiries too).
 *
 * Event ids are time-ordered per writer (src/services/history.ts: the writer's millisecond, then a
 * counter), but a transaction may commit after another's later ids, so "ids above the last one seen"
 * alone would skip it. So each poll reads the ids above the cursor, and once a second the feed reads
 * again the ids of the last `overlapMs` (before the cursor, or before now if the cursor is ahead) and
 * delivers those it has not seen — the seen ids of that window are kept to tell. An event whose id is
 * older than `overlapMs` when it commits (a transaction that long, a writer's clock that far behind)
 * is missed; the overlap read logs how late the late ones were.
 */
export class EmploymentEventFeed {
  private readonly listeners = new Map<string, Set<FeedListener>>();
  private listening = 0;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  /** Reschedules the current pause to end `ms` from its start, if that is sooner. */
  private shorten: ((ms: number) => void) | null = null;
  /** The highest id delivered; "" before the first read. */
  private cursor = "";
  /** Ids delivered within the overlap, with their millisecond. */
  private readonly seen = new Map<string, number>();
  private lastLateRead = 0;
  /** When the first listener (since the feed last stopped reading) came: events from then on are theirs. */
  private since: number | null = null;
  /** Those waiting for the first read (`running`). */
  private starting: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: FeedSettings,
    private readonly log: Logger,
  ) {}

  /** Calls `listener` with each event of `tenantId` committed from now on; returns the function that stops it. */
  listen(tenantId: string, listener: FeedListener): () => void {
    if (this.stopped) throw new Error("the event feed has stopped");
    let set = this.listeners.get(tenantId);
    if (!set) this.listeners.set(tenantId, (set = new Set()));
    set.add(listener);
    this.listening++;
    if (!this.cursor && this.since === null) this.since = Date.now();
    this.run();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      set.delete(listener);
      if (!set.size && this.listeners.get(tenantId) === set) this.listeners.delete(tenantId);
      this.listening--;
    };
  }

  /**
   * Resolves once the feed reads (at once if it does): a listener hears every event committed after
   * that. Rejects if that first read fails (the database cannot be reached).
   */
  running(): Promise<void> {
    if (this.cursor) return Promise.resolve();
    return new Promise((resolve, reject) => this.starting.push({ resolve, reject }));
  }

  /**
   * This process has just committed events: read soon (MIN_GAP_MS after the last read) instead of at
   * the next poll, so that subscribers of the process that made a change hear it at once. A hint only.
   */
  kick(): void {
    this.shorten?.(MIN_GAP_MS);
  }

  /** Stops reading (shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiting of this.starting.splice(0)) waiting.reject(new Error("the event feed has stopped"));
    this.wake?.();
    await this.loop;
  }

  private run(): void {
    if (this.loop || this.stopped) return;
    this.loop = this.tail().finally(() => {
      this.loop = null;
      if (this.listening > 0) this.run(); // a listener came while the loop was ending
    });
  }

  private async tail(): Promise<void> {
    while (this.listening > 0 && !this.stopped) {
      let full = false;
      try {
        if (!this.cursor) await this.start();
        else full = await this.read();
      } catch (error) {
        for (const waiting of this.starting.splice(0)) waiting.reject(error);
        this.log.warn({ err: error }, "subscriptions: reading the events failed; trying again");
        await this.pause(RETRY_AFTER_MS);
        continue;
      }
      if (!full) await this.pause(this.settings.pollMs);
    }
    // nobody listens: forget, and start afresh (from that moment) when someone does again
    this.cursor = "";
    this.since = null;
    this.seen.clear();
  }

  /**
   * From the first listener on: the ids of the overlap before it came are seen already (they were
   * written before anyone listened); those from then on — also one committed between `listen` and
   * this first read — are read next, above the cursor.
   */
  private async start(): Promise<void> {
    const now = Date.now();
    const since = Math.min(this.since ?? now, now);
    const from = idFloor(since - this.settings.overlapMs);
    const ids = await eventIdsBetween(this.dataSource.manager, from, idFloor(since));
    for (const id of ids) this.seen.set(id, msOf(id));
    this.cursor = idFloor(since);
    this.lastLateRead = now;
    for (const waiting of this.starting.splice(0)) waiting.resolve();
  }

  /** One poll: the events above the cursor, then (once a second) the overlap's late ones. True when the read was full. */
  private async read(): Promise<boolean> {
    const manager = this.dataSource.manager;
    // ids a writer's clock puts further ahead than the overlap wait until ours gets there
    const fresh = await eventsAfter(manager, this.cursor, idFloor(Date.now() + this.settings.overlapMs));
    for (const tailed of fresh) {
      this.seen.set(tailed.event.id, msOf(tailed.event.id));
      this.cursor = tailed.event.id;
    }
    this.deliver(fresh);
    const now = Date.now();
    if (now - this.lastLateRead >= LATE_READ_EVERY_MS) {
      this.lastLateRead = now;
      await this.readLate(now);
    }
    return fresh.length === FEED_BATCH;
  }

  private async readLate(now: number): Promise<void> {
    const lowMs = Math.min(msOf(this.cursor), now) - this.settings.overlapMs;
    const low = idFloor(lowMs);
    for (const [id] of this.seen) if (id <= low) this.seen.delete(id);
    const ids = await eventIdsBetween(this.dataSource.manager, low, this.cursor);
    const missing = ids.filter((id) => !this.seen.has(id));
    if (!missing.length) return;
    const late = await eventsWithIds(this.dataSource.manager, missing);
    for (const tailed of late) this.seen.set(tailed.event.id, msOf(tailed.event.id));
    const lateness = Math.max(...missing.map((id) => msOf(this.cursor) - msOf(id)));
    const level = lateness > this.settings.overlapMs / 2 ? "warn" : "debug";
    this.log[level]({ events: late.length, latenessMs: lateness, overlapMs: this.settings.overlapMs }, "subscriptions: events committed after later ones");
    this.deliver(late);
  }

  private deliver(events: TailedEvent[]): void {
    for (const tailed of events) {
      const set = this.listeners.get(tailed.event.tenantId);
      if (!set) continue;
      for (const listener of [...set]) {
        try {
          listener(tailed);
        } catch (error) {
          this.log.error({ err: error }, "subscriptions: a listener failed");
        }
      }
    }
  }

  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const started = performance.now();
      let until = started + ms;
      let timer = setTimeout(done, ms);
      const finish = () => {
        this.wake = null;
        this.shorten = null;
      };
      this.wake = done;
      this.shorten = (after) => {
        if (started + after >= until) return;
        until = started + after;
        clearTimeout(timer);
        timer = setTimeout(done, Math.max(0, until - performance.now()));
      };
      function done() {
        clearTimeout(timer);
        finish();
        resolve();
      }
    });
  }
}

/** The millisecond of a time-ordered event id (its first 48 bits). */
export function msOf(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** The lowest id of millisecond `ms`: below every event id of that millisecond and above all of earlier ones. */
export function idFloor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}
