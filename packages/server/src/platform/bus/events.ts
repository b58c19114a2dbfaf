import type { EventName } from '@pnptv/protocol';
import { newId } from '../ids.ts';
import type { Bus } from './bus.port.ts';

/** Bus topic of catalogue events; the webhooks capability fans them out to endpoints. */
export const EVENTS_TOPIC = 'events';

/** A catalogue event on the bus. The id lets every receiving worker recognise one event. */
export interface BusEvent {
  id: string;
  type: EventName;
  appId: string;
  data: Record<string, unknown>;
}

/**
 * Publishes a catalogue event for capabilities that have no transaction at hand. Every event
 * gets a message id here, so when several workers receive it they emit one webhook message.
 */
export function publishEvent(
  bus: Bus,
  event: Omit<BusEvent, 'id'> & { id?: string },
  nowMs: number = Date.now(),
): Promise<void> {
  return bus.publish(EVENTS_TOPIC, { ...event, id: event.id ?? newId('msg', nowMs) } satisfies BusEvent);
}
