/**
 * In-process news that events were just committed (a use case, a send, an expiry), so that this
 * process's webhook relay starts a pass at once instead of at its next poll. Only a hint: the event
 * table is the truth, and every worker polls it.
 */
export class EventsWritten {
  private readonly listeners: (() => void)[] = [];

  on(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }
}
