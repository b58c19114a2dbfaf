import { describe, expect, it } from 'vitest';
import { PostingBatcher } from './ledger.batcher.ts';
import type { PostOutcome, StoredPosting } from './ledger.store.ts';

function posting(key: string, appId = 'app_site'): StoredPosting {
  return {
    id: `txn_${key}`,
    appId,
    kind: 'gift',
    idempotencyKey: key,
    fingerprint: key,
    entries: [],
    metadata: {},
  };
}

function outcome(p: StoredPosting): PostOutcome {
  return {
    status: 'posted',
    transactionId: p.id,
    fingerprint: p.fingerprint,
    metadata: {},
    createdAt: new Date(0),
    balances: [],
  };
}

/** A statement runner that records each batch and completes when the test releases it. */
function gatedRunner(fail: (p: StoredPosting[]) => boolean = () => false) {
  const batches: string[][] = [];
  const gates: (() => void)[] = [];
  const run = async (postings: StoredPosting[]) => {
    batches.push(postings.map((p) => p.idempotencyKey));
    await new Promise<void>((resolve) => gates.push(resolve));
    if (fail(postings))
      throw new Error(`statement failed: ${postings.map((p) => p.idempotencyKey).join(',')}`);
    return postings.map(outcome);
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { run, batches, releaseAll };
}

describe('PostingBatcher', () => {
  it('sends a lone posting at once', async () => {
    const runner = gatedRunner();
    const batcher = new PostingBatcher(runner.run, { maxInFlight: 2 });
    const result = batcher.submit(posting('a'));
    expect(runner.batches).toEqual([['a']]);
    await runner.releaseAll();
    expect((await result).transactionId).toBe('txn_a');
  });

  it('groups postings that arrive while every slot is busy into the next statement', async () => {
    const runner = gatedRunner();
    const batcher = new PostingBatcher(runner.run, { maxInFlight: 1 });
    const results = ['a', 'b', 'c', 'd'].map((k) => batcher.submit(posting(k)));
    expect(runner.batches).toEqual([['a']]);
    await runner.releaseAll();
    const done = await Promise.all(results);
    expect(runner.batches).toEqual([['a'], ['b', 'c', 'd']]);
    expect(done.map((o) => o.transactionId)).toEqual(['txn_a', 'txn_b', 'txn_c', 'txn_d']);
    expect(batcher.stats()).toEqual({ statements: 2, postings: 4 });
  });

  it('never puts two postings with the same key of the same app in one statement', async () => {
    const runner = gatedRunner();
    const batcher = new PostingBatcher(runner.run, { maxInFlight: 1 });
    const results = [posting('a'), posting('b'), posting('b'), posting('b', 'app_other'), posting('c')].map(
      (p) => batcher.submit(p),
    );
    await runner.releaseAll();
    await Promise.all(results);
    expect(runner.batches).toEqual([['a'], ['b', 'b', 'c'], ['b']]);
  });

  it('caps the postings per statement', async () => {
    const runner = gatedRunner();
    const batcher = new PostingBatcher(runner.run, { maxInFlight: 1, maxPostings: 2 });
    const results = ['a', 'b', 'c', 'd', 'e'].map((k) => batcher.submit(posting(k)));
    await runner.releaseAll();
    await Promise.all(results);
    expect(runner.batches).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('retries a failed statement posting by posting so that only the bad posting fails', async () => {
    const runner = gatedRunner((ps) => ps.some((p) => p.idempotencyKey === 'bad'));
    const batcher = new PostingBatcher(runner.run, { maxInFlight: 1 });
    const results = ['a', 'b', 'bad', 'c'].map((k) =>
      batcher.submit(posting(k)).then(
        (o) => o.transactionId,
        (e: Error) => e.message,
      ),
    );
    await runner.releaseAll();
    expect(await Promise.all(results)).toEqual(['txn_a', 'txn_b', 'statement failed: bad', 'txn_c']);
    expect(runner.batches).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });
});
