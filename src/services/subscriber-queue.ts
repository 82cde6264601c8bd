/**
 * What one subscription has heard and not yet sent: the feed pushes without waiting, the WebSocket
 * takes at its own pace. Bounded: a subscriber that falls `limit` behind calls `overflow` and ends,
 * so that it never holds back the feed or other subscribers, nor fills the process's memory.
 * `return()` ends it at once, also while a `next()` waits (graphql-ws calls it when the client leaves).
 */
export class SubscriberQueue<T> implements AsyncIterableIterator<T> {
  private items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private ended = false;
  private readonly onEnd: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly overflow: () => void,
    /** true: an item pushed while one waits is dropped (a "something changed" signal needs only one). */
    private readonly coalesce = false,
  ) {}

  /** Runs `cleanup` when the queue ends (the feed's listener is removed). */
  whenEnded(cleanup: () => void): void {
    if (this.ended) cleanup();
    else this.onEnd.push(cleanup);
  }

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting({ value: item, done: false });
      return;
    }
    if (this.coalesce && this.items.length) return;
    if (this.items.length >= this.limit) {
      this.end();
      this.overflow();
      return;
    }
    this.items.push(item);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.items = [];
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
    for (const cleanup of this.onEnd.splice(0)) cleanup();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
