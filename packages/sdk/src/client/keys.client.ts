import { pageQuery, path, type Transport } from './http.ts';
import type { ApiKey, ApiKeyWithSecret, ListOptions, Page } from './types.ts';

/** An app's server-to-server API keys: `client.keys`. */
export class KeysClient {
  constructor(private readonly http: Transport) {}

  /**
   * The app's keys, newest first, revoked ones included; secrets are never listed. Pass `cursor`
   * from the previous page to continue. Needs `keys:read`.
   */
  async list(appId: string, options: ListOptions = {}): Promise<Page<ApiKey>> {
    return this.http.request('GET', path`/apps/${appId}/keys`, { query: pageQuery(options) });
  }

  /**
   * Creates a key with the given scopes (see `client.scopes.list()`); resolves with the server's
   * `{ key, secret }` as sent, and the secret is shown this once. Needs `keys:write`, and a key can
   * only grant scopes it holds itself.
   */
  async create(appId: string, input: { name: string; scopes: string[] }): Promise<ApiKeyWithSecret> {
    return this.http.request('POST', path`/apps/${appId}/keys`, { body: input });
  }

  /**
   * Replaces the key's secret; the old secret stops working at once. Resolves with the server's
   * `{ key, secret }` as sent, the new secret shown this once. Needs `keys:write`.
   */
  async rotate(appId: string, keyId: string): Promise<ApiKeyWithSecret> {
    return this.http.request('POST', path`/apps/${appId}/keys/${keyId}/rotate`);
  }

  /** Revokes the key for good; requests signed with it are refused from then on. Needs `keys:write`. */
  async revoke(appId: string, keyId: string): Promise<void> {
    return this.http.request('DELETE', path`/apps/${appId}/keys/${keyId}`);
  }
}
