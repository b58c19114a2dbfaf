/** Messages of the wallet, payments, gifts, tickets, subscriptions and payouts. */
const en = {} as const;

/** Translations of every message above; a missing or extra key fails the type check. */
const es: Record<keyof typeof en, string> = {};

export const moneyMessages = { en, es };
