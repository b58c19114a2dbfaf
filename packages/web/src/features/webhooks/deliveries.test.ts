import { describe, expect, it } from 'vitest';
import { DELIVERY_POLL_MS, deliveriesRefetchInterval, hasPending, lastResponse } from './deliveries.ts';

describe('deliveries polling', () => {
  it('polls every 3 seconds while any delivery is pending', () => {
    expect(DELIVERY_POLL_MS).toBe(3000);
    expect(deliveriesRefetchInterval([{ status: 'succeeded' }, { status: 'pending' }])).toBe(3000);
  });

  it('stops polling once every delivery has settled', () => {
    expect(deliveriesRefetchInterval([{ status: 'succeeded' }, { status: 'failed' }])).toBe(false);
    expect(hasPending([])).toBe(false);
  });
});

describe('lastResponse', () => {
  it('shows the status code, the error, or both', () => {
    expect(lastResponse({ lastStatusCode: 200, lastError: null })).toBe('200');
    expect(lastResponse({ lastStatusCode: null, lastError: 'ECONNREFUSED' })).toBe('ECONNREFUSED');
    expect(lastResponse({ lastStatusCode: 500, lastError: 'Internal' })).toBe('500 · Internal');
    expect(lastResponse({ lastStatusCode: null, lastError: null })).toBe('—');
  });
});
