import { describe, expect, it } from 'vitest';
import {
  allocateShardDebit,
  csvCell,
  csvRow,
  describeMovement,
  lastDays,
  statementCsv,
  statementRange,
} from './payouts.rules.ts';

describe('shard debit allocation', () => {
  const shards = [
    { id: 'a', balance: 100 },
    { id: 'b', balance: 0 },
    { id: 'c', balance: 500 },
    { id: 'd', balance: 250 },
  ];

  it('takes from the largest shards first and never more than a shard holds', () => {
    expect(allocateShardDebit(shards, 600)).toEqual([
      { accountId: 'c', amount: -500 },
      { accountId: 'd', amount: -100 },
    ]);
    expect(allocateShardDebit(shards, 850)).toEqual([
      { accountId: 'c', amount: -500 },
      { accountId: 'd', amount: -250 },
      { accountId: 'a', amount: -100 },
    ]);
    expect(allocateShardDebit(shards, 1)).toEqual([{ accountId: 'c', amount: -1 }]);
  });

  it('sums exactly to the amount on random shard sets, leaving no shard negative', () => {
    for (let round = 0; round < 200; round++) {
      const set = Array.from({ length: 16 }, (_, i) => ({
        id: `s${i}`,
        balance: Math.floor(Math.random() * 50),
      }));
      const total = set.reduce((s, x) => s + x.balance, 0);
      if (total === 0) continue;
      const coins = 1 + Math.floor(Math.random() * total);
      const legs = allocateShardDebit(set, coins)!;
      expect(legs.reduce((s, l) => s + l.amount, 0)).toBe(-coins);
      for (const leg of legs) {
        expect(leg.amount).toBeLessThan(0);
        expect(-leg.amount).toBeLessThanOrEqual(set.find((s) => s.id === leg.accountId)!.balance);
      }
      expect(new Set(legs.map((l) => l.accountId)).size).toBe(legs.length);
    }
  });

  it('answers null when the shards hold less than asked', () => {
    expect(allocateShardDebit(shards, 851)).toBeNull();
    expect(allocateShardDebit([], 1)).toBeNull();
    expect(() => allocateShardDebit(shards, 0)).toThrow(RangeError);
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvRow(['x', 1, 'y,z'])).toBe('x,1,"y,z"\r\n');
  });

  it('defuses text a spreadsheet would run as a formula, but leaves numbers alone', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell(-500)).toBe('-500');
  });

  it('writes a statement with a running balance from the opening balance', () => {
    const csv = statementCsv(100, [
      { createdAt: new Date('2026-03-01T10:00:00Z'), kind: 'gift', description: 'Gift', amount: 70 },
      {
        createdAt: new Date('2026-03-02T10:00:00Z'),
        kind: 'payout.request',
        description: '=cmd',
        amount: -150,
      },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'date,kind,description,amount,balance',
      '2026-03-01T10:00:00.000Z,gift,Gift,70,170',
      "2026-03-02T10:00:00.000Z,payout.request,'=cmd,-150,20",
      '',
    ]);
  });
});

describe('dates and descriptions', () => {
  it('lists the last days oldest first, ending today', () => {
    const days = lastDays(new Date('2026-03-02T23:59:00Z'), 3);
    expect(days).toEqual(['2026-02-28', '2026-03-01', '2026-03-02']);
  });

  it('turns a statement period into instants and refuses bad ones', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    expect(statementRange(now, '2026-03-01', '2026-03-01')).toEqual({
      start: new Date('2026-03-01T00:00:00Z'),
      end: new Date('2026-03-02T00:00:00Z'),
    });
    expect(statementRange(now)).toEqual({
      start: new Date('2026-02-09T00:00:00Z'),
      end: new Date('2026-03-11T00:00:00Z'),
    });
    expect(statementRange(now, '2026-03-05', '2026-03-01')).toHaveProperty('problem');
    expect(statementRange(now, '2024-01-01', '2026-01-01')).toHaveProperty('problem');
    expect(statementRange(now, '2026-02-31', '2026-13-01')).toHaveProperty('problem');
  });

  it('describes movements', () => {
    expect(describeMovement('gift', {})).toBe('Gift');
    expect(describeMovement('payout.request', { payoutId: 'po_1' })).toBe('Payout requested (po_1)');
    expect(describeMovement('tip', { description: 'great set' })).toBe('Tip: great set');
  });
});
