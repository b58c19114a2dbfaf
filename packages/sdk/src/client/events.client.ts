import type { Transport } from './http.ts';
import type { EventType } from './types.ts';

/** The event catalogue as the server knows it: `client.events`. */
export class EventsClient {
  constructor(private readonly http: Transport) {}

  /** Every event name the server emits, with a description, for building subscription pickers; needs no credential. */
  async list(): Promise<{ items: EventType[] }> {
    return this.http.request('GET', '/events');
  }
}
