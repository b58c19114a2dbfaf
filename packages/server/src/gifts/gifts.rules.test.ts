import { describe, expect, it } from 'vitest';
import {
  accessWithoutTicket,
  canSetPrice,
  isTicketPrice,
  ticketLedgerKey,
} from '../tickets/tickets.rules.ts';
import { splitGift } from '../wallet/ledger.rules.ts';
import {
  acceptsGifts,
  boardSize,
  DEFAULT_CATALOGUE,
  giftTotal,
  isClientKey,
  isEmojiIcon,
  isGiftPrice,
  isTipAmount,
  MAX_GIFT_QUANTITY,
  MAX_GIFT_SEND_COINS,
  sendLedgerKey,
  tipMessage,
} from './gifts.rules.ts';

describe('gift prices and quantities', () => {
  it('multiplies price by quantity within bounds', () => {
    expect(giftTotal(10, 1)).toBe(10);
    expect(giftTotal(10, 3)).toBe(30);
    expect(giftTotal(1, MAX_GIFT_QUANTITY)).toBe(MAX_GIFT_QUANTITY);
    expect(giftTotal(10_000, 100)).toBe(MAX_GIFT_SEND_COINS);
  });

  it('refuses quantities outside 1..100, fractions and totals above the cap', () => {
    expect(giftTotal(10, 0)).toBeNull();
    expect(giftTotal(10, -1)).toBeNull();
    expect(giftTotal(10, 1.5)).toBeNull();
    expect(giftTotal(10, MAX_GIFT_QUANTITY + 1)).toBeNull();
    expect(giftTotal(10, Number.NaN)).toBeNull();
    expect(giftTotal(100_000, 11)).toBeNull();
  });

  it('refuses prices outside the catalogue bounds', () => {
    expect(isGiftPrice(0)).toBe(false);
    expect(isGiftPrice(1)).toBe(true);
    expect(isGiftPrice(100_000)).toBe(true);
    expect(isGiftPrice(100_001)).toBe(false);
    expect(isGiftPrice(2.5)).toBe(false);
    expect(giftTotal(0, 1)).toBeNull();
  });

  it('seeds a default catalogue with increasing prices and valid icons', () => {
    const prices = DEFAULT_CATALOGUE.map((g) => g.coins);
    expect(prices).toEqual([1, 5, 10, 50, 100, 500]);
    expect(DEFAULT_CATALOGUE.every((g) => isEmojiIcon(g.icon) && isGiftPrice(g.coins))).toBe(true);
  });
});

describe('split rounding', () => {
  it('gives the creator the floor of 70 % and the platform the rest, exactly', () => {
    expect(splitGift(1, 7000)).toEqual({ creator: 0, platform: 1 });
    expect(splitGift(5, 7000)).toEqual({ creator: 3, platform: 2 });
    expect(splitGift(10, 7000)).toEqual({ creator: 7, platform: 3 });
    expect(splitGift(33, 7000)).toEqual({ creator: 23, platform: 10 });
    expect(splitGift(100_000, 7000)).toEqual({ creator: 70_000, platform: 30_000 });
    const wrong: string[] = [];
    for (let coins = 1; coins <= 2000; coins++) {
      for (const bps of [0, 1, 3333, 7000, 8500, 9999, 10_000]) {
        const { creator, platform } = splitGift(coins, bps);
        if (creator + platform !== coins || creator !== Math.floor((coins * bps) / 10_000))
          wrong.push(`${coins}@${bps}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('tips', () => {
  it('accepts 1..100,000 whole coins', () => {
    expect(isTipAmount(1)).toBe(true);
    expect(isTipAmount(100_000)).toBe(true);
    expect(isTipAmount(0)).toBe(false);
    expect(isTipAmount(100_001)).toBe(false);
    expect(isTipAmount(1.5)).toBe(false);
  });

  it('keeps messages as plain text: controls stripped, line breaks folded, trimmed, 200 characters at most', () => {
    expect(tipMessage(undefined)).toBeNull();
    expect(tipMessage('   ')).toBeNull();
    expect(tipMessage('  great\r\nshow\u0007 ')).toBe('great show');
    expect(tipMessage('<b>hi</b>')).toBe('<b>hi</b>');
    expect(tipMessage('a\u202eb')).toBe('ab');
    expect(tipMessage('x'.repeat(200))).toHaveLength(200);
    expect(tipMessage('🔥'.repeat(200))).toBe('🔥'.repeat(200));
    expect(() => tipMessage('x'.repeat(201))).toThrow(RangeError);
  });
});

describe('validation', () => {
  it('takes emoji icons only', () => {
    for (const icon of ['🌹', '❤️', '👍🏽', '👨‍👩‍👧', '🇨🇴', '💎']) expect(isEmojiIcon(icon)).toBe(true);
    for (const icon of ['', 'a', '1', '#', '<img>', '🌹x', '🌹'.repeat(9)])
      expect(isEmojiIcon(icon)).toBe(false);
  });

  it('takes 1–100 printable ASCII characters as an idempotency key', () => {
    expect(isClientKey('k')).toBe(true);
    expect(isClientKey('a'.repeat(100))).toBe(true);
    expect(isClientKey('')).toBe(false);
    expect(isClientKey('a'.repeat(101))).toBe(false);
    expect(isClientKey('has space')).toBe(false);
    expect(isClientKey('ñ')).toBe(false);
  });

  it('scopes ledger keys by kind and sender so that they never collide', () => {
    expect(sendLedgerKey('gift', 'usr_a', 'k1')).not.toBe(sendLedgerKey('gift', 'usr_b', 'k1'));
    expect(sendLedgerKey('gift', 'usr_a', 'k1')).not.toBe(sendLedgerKey('tip', 'usr_a', 'k1'));
    expect(sendLedgerKey('tip', 'usr_a', 'k'.repeat(100)).length).toBeLessThanOrEqual(200);
  });

  it('accepts gifts only while the stream is on air', () => {
    expect(acceptsGifts('live')).toBe(true);
    expect(acceptsGifts('reconnecting')).toBe(true);
    expect(acceptsGifts('idle')).toBe(false);
    expect(acceptsGifts('ended')).toBe(false);
  });

  it('clamps the board size', () => {
    expect(boardSize(undefined)).toBe(10);
    expect(boardSize(0)).toBe(1);
    expect(boardSize(500)).toBe(50);
    expect(boardSize(7.9)).toBe(7);
  });
});

describe('ticket rules', () => {
  it('prices a ticket at 1..1,000,000 whole coins, or null for none', () => {
    expect(isTicketPrice(null)).toBe(true);
    expect(isTicketPrice(1)).toBe(true);
    expect(isTicketPrice(1_000_000)).toBe(true);
    expect(isTicketPrice(0)).toBe(false);
    expect(isTicketPrice(1_000_001)).toBe(false);
    expect(isTicketPrice(2.5)).toBe(false);
  });

  it('lets the owner and admins in without a ticket, and only them set the price', () => {
    expect(accessWithoutTicket({ userId: 'usr_o', role: 'member' }, 'usr_o')).toBe(true);
    expect(accessWithoutTicket({ userId: 'usr_a', role: 'admin' }, 'usr_o')).toBe(true);
    expect(accessWithoutTicket({ userId: 'usr_v', role: 'creator' }, 'usr_o')).toBe(false);
    expect(accessWithoutTicket({ userId: 'usr_v', role: 'member' }, null)).toBe(false);
    expect(canSetPrice({ userId: 'usr_v', role: 'moderator' }, 'usr_o')).toBe(false);
    expect(canSetPrice({ userId: 'usr_o', role: 'creator' }, 'usr_o')).toBe(true);
  });

  it('keys a ticket purchase by target and user, whatever key the client sent', () => {
    expect(ticketLedgerKey({ kind: 'stream', id: 'str_1' }, 'usr_a')).toBe('ticket:stream:str_1:usr_a');
    expect(ticketLedgerKey({ kind: 'room', id: 'str_1' }, 'usr_a')).not.toBe(
      ticketLedgerKey({ kind: 'stream', id: 'str_1' }, 'usr_a'),
    );
  });
});
