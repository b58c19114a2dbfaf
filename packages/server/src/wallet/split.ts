import { DEFAULT_CREATOR_BPS } from './ledger.rules.ts';

/** How earnings from a creator's gifts, tips, tickets and subscriptions are split. */
export interface SplitPolicy {
  /** The creator's share in basis points (7000 = 70 %) for this app and creator. */
  creatorBps(appId: string, creatorId: string): Promise<number>;
}

/** The default split for every creator of every app: 70 % to the creator. */
export const defaultSplit: SplitPolicy = {
  creatorBps: async () => DEFAULT_CREATOR_BPS,
};
