import type { Delivery, DeliveryStatus } from '../../app/types.ts';

/** How often the deliveries table refreshes while something is still being delivered, in milliseconds. */
export const DELIVERY_POLL_MS = 3_000;

/** Whether any delivery is still waiting for a (re)try. */
export function hasPending(deliveries: readonly Pick<Delivery, 'status'>[]): boolean {
  return deliveries.some((delivery) => delivery.status === 'pending');
}

/** Refresh interval for the deliveries query: poll while something is pending, stop once all settled. */
export function deliveriesRefetchInterval(deliveries: readonly Pick<Delivery, 'status'>[]): number | false {
  return hasPending(deliveries) ? DELIVERY_POLL_MS : false;
}

/** Badge colour per delivery status. */
export const DELIVERY_TONE: Record<DeliveryStatus, 'warning' | 'success' | 'danger'> = {
  pending: 'warning',
  succeeded: 'success',
  failed: 'danger',
};

/** Short text for the last response: the HTTP status, the transport error, or nothing yet. */
export function lastResponse(delivery: Pick<Delivery, 'lastStatusCode' | 'lastError'>): string {
  if (delivery.lastStatusCode !== null && delivery.lastError)
    return `${delivery.lastStatusCode} · ${delivery.lastError}`;
  if (delivery.lastStatusCode !== null) return String(delivery.lastStatusCode);
  return delivery.lastError ?? '—';
}
