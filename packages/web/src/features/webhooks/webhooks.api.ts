import { EVENT_CATALOGUE } from '@pnptv/protocol';
import type { ApiClient } from '../../app/api.ts';
import type { Delivery, Described, Page, WebhookEndpoint } from '../../app/types.ts';

/** A freshly created endpoint and its signing secret (`whsec_…`), which the server never shows again. */
export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

/** Fields that can be changed on an endpoint. */
export interface EndpointPatch {
  url?: string;
  events?: string[];
  description?: string;
  enabled?: boolean;
}

/** Page size used when looking an endpoint up in the list (the API has no single-endpoint GET). */
const SCAN_PAGE = 100;
/** Upper bound of pages scanned, so a broken cursor cannot loop forever (100 × 50 = 5,000 endpoints). */
const SCAN_MAX_PAGES = 50;

/** The built-in catalogue, used when GET /events is unavailable. */
export const CATALOGUE_EVENTS: Described[] = Object.entries(EVENT_CATALOGUE).map(([name, description]) => ({
  name,
  description,
}));

const hooks = (appId: string) => `/apps/${encodeURIComponent(appId)}/webhooks`;
const hook = (appId: string, id: string) => `${hooks(appId)}/${encodeURIComponent(id)}`;

/** Calls of the webhooks capability. */
export const webhooksApi = {
  events: async (api: ApiClient): Promise<Described[]> => {
    try {
      return (await api.get<{ items: Described[] }>('/events')).items;
    } catch {
      return CATALOGUE_EVENTS;
    }
  },
  create: (api: ApiClient, appId: string, input: { url: string; events: string[]; description: string }) =>
    api.post<EndpointWithSecret>(hooks(appId), input),
  update: (api: ApiClient, appId: string, id: string, patch: EndpointPatch) =>
    api.patch<{ endpoint: WebhookEndpoint }>(hook(appId, id), patch),
  remove: (api: ApiClient, appId: string, id: string) => api.delete(hook(appId, id)),
  test: (api: ApiClient, appId: string, id: string) =>
    api.post<{ delivery: Delivery }>(`${hook(appId, id)}/test`),
  replay: (api: ApiClient, appId: string, id: string, deliveryId: string) =>
    api.post(`${hook(appId, id)}/deliveries/${encodeURIComponent(deliveryId)}/replay`),
  /** Finds one endpoint by walking the paginated list; null when it does not exist. */
  find: async (api: ApiClient, appId: string, id: string): Promise<WebhookEndpoint | null> => {
    let cursor: string | null = null;
    for (let page = 0; page < SCAN_MAX_PAGES; page++) {
      const result: Page<WebhookEndpoint> = await api.get(hooks(appId), { limit: SCAN_PAGE, cursor });
      const found = result.items.find((endpoint) => endpoint.id === id);
      if (found) return found;
      if (!result.nextCursor) return null;
      cursor = result.nextCursor;
    }
    return null;
  },
};

/** Paths of the paginated lists, for useCursorList. */
export const webhookLists = {
  endpoints: hooks,
  deliveries: (appId: string, id: string) => `${hook(appId, id)}/deliveries`,
};
