import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useSession } from '../../app/session.tsx';
import { type RealtimeConnection, sharedConnection, type WireEvent } from './chat.realtime.ts';

/** The tab's realtime connection for the signed-in user; null when logged out. */
export function useRealtimeConnection(): RealtimeConnection | null {
  const { user } = useSession();
  return sharedConnection(user?.id ?? null);
}

const NO_STATUS = { status: 'disconnected', refusal: null } as const;

/** The connection's state, kept current. */
export function useConnectionStatus(connection: RealtimeConnection | null) {
  const snapshot = useRef(connection?.status ?? NO_STATUS);
  return useSyncExternalStore(
    (notify) => {
      if (!connection) return () => {};
      return connection.onStatus(() => {
        snapshot.current = connection.status;
        notify();
      });
    },
    () => {
      const current = connection?.status ?? NO_STATUS;
      if (current.status !== snapshot.current.status || current.refusal !== snapshot.current.refusal)
        snapshot.current = current;
      return snapshot.current;
    },
  );
}

/** A gift or tip as the gateway forwards it to `stream:<id>` (socket batch event `gift`). */
export interface GiftEventData {
  kind: 'gift' | 'tip';
  id: string;
  streamId: string;
  fromUserId: string;
  fromName: string;
  coins: number;
  giftId?: string;
  giftName?: string;
  icon?: string;
  animation?: 'float' | 'burst' | 'rain';
  quantity?: number;
  message?: string | null;
  createdAt?: string;
}

/** Channel events other features listen to, by type. */
export interface ChannelEventMap {
  gift: GiftEventData;
  viewers: { streamId: string; viewers: number };
}

/**
 * Listens to events of `channel` on the tab's one connection (joining it while used), for
 * example the watch page's `gift` and `viewers` on `stream:<id>`. `handlers` may change on
 * every render; the subscription does not.
 *
 * @example
 * useChannelEvents(`stream:${id}`, { gift: (g) => showGift(g), viewers: (v) => setCount(v.viewers) });
 */
export function useChannelEvents(
  channel: string | null,
  handlers: { [K in keyof ChannelEventMap]?: (data: ChannelEventMap[K]) => void } & {
    /** Every event of the channel, whatever its type. */
    any?: (event: WireEvent) => void;
  },
): void {
  const connection = useRealtimeConnection();
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    if (!connection || !channel) return;
    return connection.subscribe(channel, {
      onEvents: (events) => {
        for (const event of events) {
          latest.current.any?.(event);
          const handler = (latest.current as Record<string, ((data: unknown) => void) | undefined>)[
            event.type
          ];
          if (event.type !== 'any') handler?.(event.data);
        }
      },
    });
  }, [connection, channel]);
}
