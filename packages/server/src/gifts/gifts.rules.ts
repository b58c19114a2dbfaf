/** How a gift plays on the watch page. */
export const GIFT_ANIMATIONS = ['float', 'burst', 'rain'] as const;
/** One gift animation. */
export type GiftAnimation = (typeof GIFT_ANIMATIONS)[number];

/** Price bounds of one gift of the catalogue, coins. */
export const MIN_GIFT_PRICE = 1;
export const MAX_GIFT_PRICE = 100_000;
/** How many of one gift can be sent at once. */
export const MAX_GIFT_QUANTITY = 100;
/** The most coins one gift send may cost (price × quantity). */
export const MAX_GIFT_SEND_COINS = 1_000_000;
/** Tip bounds, coins. */
export const MIN_TIP_COINS = 1;
export const MAX_TIP_COINS = 100_000;
/** Longest tip message, characters (code points), after sanitising. */
export const MAX_TIP_MESSAGE_LENGTH = 200;
/** Longest gift name, characters. */
export const MAX_GIFT_NAME_LENGTH = 40;
/** Longest icon, UTF-16 units (an emoji with modifiers and joiners). */
export const MAX_ICON_LENGTH = 16;
/** Idempotency keys sent by clients: 1–100 printable ASCII characters. */
export const CLIENT_KEY_PATTERN = '^[\\x21-\\x7e]{1,100}$';
/** How many gift or tip sends one member may make per window, and the window. */
export const DEFAULT_SEND_LIMIT = { limit: 30, windowMs: 10_000 };

/** The default catalogue seeded for the site (migration 006): name, icon, coins, animation. */
export const DEFAULT_CATALOGUE: readonly {
  name: string;
  icon: string;
  coins: number;
  animation: GiftAnimation;
}[] = [
  { name: 'Rose', icon: '🌹', coins: 1, animation: 'float' },
  { name: 'Heart', icon: '❤️', coins: 5, animation: 'float' },
  { name: 'Fire', icon: '🔥', coins: 10, animation: 'burst' },
  { name: 'Diamond', icon: '💎', coins: 50, animation: 'burst' },
  { name: 'Rocket', icon: '🚀', coins: 100, animation: 'rain' },
  { name: 'Crown', icon: '👑', coins: 500, animation: 'rain' },
];

const CLIENT_KEY = new RegExp(CLIENT_KEY_PATTERN);
const ICON_CHARS = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\p{Emoji_Modifier}|\u200d|\ufe0f)+$/u;
const ICON_PICTURE = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
// Control characters except newline and tab, and the bidirectional overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Whether `icon` is an emoji (possibly with modifiers, joiners or a flag), as gifts show. */
export function isEmojiIcon(icon: string): boolean {
  return (
    icon.length > 0 && icon.length <= MAX_ICON_LENGTH && ICON_CHARS.test(icon) && ICON_PICTURE.test(icon)
  );
}

/** Whether a client's idempotency key is acceptable. */
export function isClientKey(key: string): boolean {
  return CLIENT_KEY.test(key);
}

/** Whether a gift price is within the catalogue's bounds. */
export function isGiftPrice(coins: number): boolean {
  return Number.isInteger(coins) && coins >= MIN_GIFT_PRICE && coins <= MAX_GIFT_PRICE;
}

/**
 * The coins a send of `quantity` gifts of `price` costs, or null when the quantity is not a
 * whole number in 1..MAX_GIFT_QUANTITY or the total is above MAX_GIFT_SEND_COINS.
 */
export function giftTotal(price: number, quantity: number): number | null {
  if (!isGiftPrice(price)) return null;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_GIFT_QUANTITY) return null;
  const total = price * quantity;
  return total <= MAX_GIFT_SEND_COINS ? total : null;
}

/** Whether a tip amount is acceptable. */
export function isTipAmount(coins: number): boolean {
  return Number.isInteger(coins) && coins >= MIN_TIP_COINS && coins <= MAX_TIP_COINS;
}

/**
 * A tip message as stored: control characters removed, line breaks collapsed to spaces,
 * trimmed; null when nothing is left. Throws RangeError when it is longer than allowed.
 */
export function tipMessage(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const text = raw
    .replace(/[\r\n\t]+/g, ' ')
    .replace(CONTROL, '')
    .trim();
  if (text.length === 0) return null;
  if ([...text].length > MAX_TIP_MESSAGE_LENGTH) throw new RangeError('tip message too long');
  return text;
}

/** Whether a stream in `status` can receive gifts and tips: only while it is on air. */
export function acceptsGifts(status: string): boolean {
  return status === 'live' || status === 'reconnecting';
}

/**
 * The ledger idempotency key of a member's send: scoped by kind and sender, so two members
 * (or a gift and a tip) using the same client key never collide.
 */
export function sendLedgerKey(kind: 'gift' | 'tip', userId: string, clientKey: string): string {
  return `${kind}:${userId}:${clientKey}`;
}

/** Clamps a requested board size to 1..50 (default 10). */
export function boardSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 10;
  return Math.min(Math.max(Math.trunc(limit), 1), 50);
}
