import type { Transport } from './http.ts';
import type { ApiKeyScope } from './types.ts';

/** The closed list of API key scopes: `client.scopes`. */
export class ScopesClient {
  constructor(private readonly http: Transport) {}

  /** Every scope an API key can hold, with a description; needs no credential. */
  async list(): Promise<{ items: ApiKeyScope[] }> {
    return this.http.request('GET', '/scopes');
  }
}
