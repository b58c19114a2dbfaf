/** What a paid-for or membership-gated resource is: a live stream or a video room. */
export interface GatedTarget {
  kind: 'stream' | 'room';
  id: string;
}

/**
 * What a user has bought or joined that opens gated content: tickets, creator subscriptions and
 * PRIME. Streams (playback tokens) and chat (channel joins) ask through this one port; the money
 * capabilities answer it.
 */
export interface Entitlements {
  /** Whether the user holds a valid ticket for the target. */
  hasTicket(appId: string, userId: string, target: GatedTarget): Promise<boolean>;
  /** Whether the user has an active subscription to the creator. */
  isSubscribed(appId: string, userId: string, creatorId: string): Promise<boolean>;
  /** Whether the user is a PRIME member of the app. */
  isPrime(appId: string, userId: string): Promise<boolean>;
}

/** Nobody holds anything: the answer before the money capabilities are wired. */
export const noEntitlements: Entitlements = {
  hasTicket: async () => false,
  isSubscribed: async () => false,
  isPrime: async () => false,
};
