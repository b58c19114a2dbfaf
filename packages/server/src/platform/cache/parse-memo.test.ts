import { describe, expect, it } from 'vitest';
import { ParseMemo } from './parse-memo.ts';

describe('ParseMemo', () => {
  it('parses each distinct value once and returns the same frozen object', () => {
    let parses = 0;
    const memo = new ParseMemo((raw) => {
      parses++;
      return JSON.parse(raw) as { n: number };
    });
    const a = memo.get('{"n":1}');
    expect(memo.get('{"n":1}')).toBe(a);
    expect(memo.get('{"n":2}').n).toBe(2);
    expect(parses).toBe(2);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('stays within its bound', () => {
    let parses = 0;
    const memo = new ParseMemo((raw) => {
      parses++;
      return raw.length;
    }, 2);
    for (const raw of ['a', 'bb', 'ccc', 'a']) memo.get(raw);
    expect(parses).toBe(4);
  });
});
