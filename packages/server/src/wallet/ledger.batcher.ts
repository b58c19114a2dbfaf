import type { PostOutcome, StoredPosting } from './ledger.store.ts';

/** How postings are grouped: postings per statement, and statements running at once. */
export interface BatchOptions {
  /** Most postings sent in one statement; default 64. */
  maxPostings?: number;
  /** Most statements in flight at once (each holds one pooled connection); default 4. */
  maxInFlight?: number;
}

interface Waiting {
  posting: StoredPosting;
  resolve(outcome: PostOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit for postings made outside a caller's transaction. A posting is sent at once
 * when a slot is free, so a lone request waits for nothing; under load, postings that
 * arrive while every slot is busy travel together in the next statement, sharing its round
 * trip and its commit. Each posting still gets its own outcome. Two postings with the same
 * idempotency key never share a statement (the second waits for the next one). If a whole
 * statement fails, its postings are retried one by one so that one bad posting fails alone.
 */
export class PostingBatcher {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private statements = 0;
  private postings = 0;
  private readonly maxPostings: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly run: (postings: StoredPosting[]) => Promise<PostOutcome[]>,
    options: BatchOptions = {},
  ) {
    this.maxPostings = Math.max(1, options.maxPostings ?? 64);
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 4);
  }

  /** Queues one posting; resolves with its outcome once its statement has committed. */
  submit(posting: StoredPosting): Promise<PostOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ posting, resolve, reject });
      this.pump();
    });
  }

  /** Statements sent and postings they carried since the start (postings / statements = mean batch size). */
  stats(): { statements: number; postings: number } {
    return { statements: this.statements, postings: this.postings };
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Takes up to maxPostings waiting postings, oldest first, with distinct keys. */
  private take(): Waiting[] {
    const batch: Waiting[] = [];
    const keys = new Set<string>();
    const rest: Waiting[] = [];
    for (const waiting of this.queue) {
      const key = `${waiting.posting.appId}\u0000${waiting.posting.idempotencyKey}`;
      if (batch.length < this.maxPostings && !keys.has(key)) {
        batch.push(waiting);
        keys.add(key);
      } else {
        rest.push(waiting);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async flush(batch: Waiting[]): Promise<void> {
    this.statements++;
    this.postings += batch.length;
    try {
      const outcomes = await this.run(batch.map((w) => w.posting));
      for (const [i, waiting] of batch.entries()) waiting.resolve(outcomes[i]!);
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
    }
    for (const waiting of batch) {
      try {
        const [outcome] = await this.run([waiting.posting]);
        waiting.resolve(outcome!);
      } catch (error) {
        waiting.reject(error);
      }
    }
  }
}
