/** Messages of chat, the community room and moderation. */
const en = {} as const;

/** Translations of every message above; a missing or extra key fails the type check. */
const es: Record<keyof typeof en, string> = {};

export const chatMessages = { en, es };
