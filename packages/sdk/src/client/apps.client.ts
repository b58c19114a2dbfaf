import { pageQuery, path, type Transport } from './http.ts';
import type { App, AuditEntry, ListOptions, Page } from './types.ts';

/**
 * Apps (tenants) the caller can see: `client.apps`. An API key sees exactly its own app.
 * Creating and deleting apps needs a signed-in person (the developer console), so those calls
 * are not part of the SDK.
 */
export class AppsClient {
  constructor(private readonly http: Transport) {}

  /** Apps the caller belongs to (for an API key: its own app, with `role` null); needs `apps:read`. */
  async list(options: ListOptions = {}): Promise<Page<App>> {
    return this.http.request('GET', '/apps', { query: pageQuery(options) });
  }

  /** One app by id; unwraps the server's `{ app }` response. Needs `apps:read`. */
  async get(appId: string): Promise<App> {
    return this.http.request('GET', path`/apps/${appId}`, { unwrap: 'app' });
  }

  /** Renames an app and returns it; unwraps the server's `{ app }` response. Needs `apps:write`. */
  async update(appId: string, input: { name: string }): Promise<App> {
    return this.http.request('PATCH', path`/apps/${appId}`, { body: input, unwrap: 'app' });
  }

  /** The app's audit log, newest first; pass `cursor` from the previous page to continue. Needs `audit:read`. */
  async audit(appId: string, options: ListOptions = {}): Promise<Page<AuditEntry>> {
    return this.http.request('GET', path`/apps/${appId}/audit`, { query: pageQuery(options) });
  }
}
