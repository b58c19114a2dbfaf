/** Test support: response bodies shaped like the server's, for the client's request tests. */

/** An app as an API key sees it. */
export const app = {
  id: 'app_1',
  name: 'Studio',
  ownerId: 'usr_1',
  role: null,
  createdAt: '2025-01-01T00:00:00.000Z',
};
/** An API key without its secret. */
export const key = {
  id: 'key_1',
  name: 'ci',
  scopes: ['streams:read'],
  createdAt: '2025-01-01T00:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
};
/** A webhook endpoint. */
export const endpoint = {
  id: 'whe_1',
  url: 'https://example.com/hook',
  description: '',
  events: ['stream.live'],
  enabled: true,
  disabledReason: null,
  createdAt: '2025-01-01T00:00:00.000Z',
};
/** A pending delivery. */
export const delivery = {
  id: 'dlv_1',
  endpointId: 'whe_1',
  messageId: 'msg_1',
  eventType: 'webhook.test',
  status: 'pending',
  attempts: 0,
  lastStatusCode: null,
  lastError: null,
  lastAttemptAt: null,
  nextAttemptAt: '2025-01-01T00:00:00.000Z',
  createdAt: '2025-01-01T00:00:00.000Z',
};

/** An audit log entry. */
export const audit = {
  id: 'aud_1',
  appId: 'app_1',
  actorId: 'key_1',
  actorType: 'api_key',
  action: 'api_key.create',
  targetType: 'api_key',
  targetId: 'key_2',
  ip: '127.0.0.1',
  data: {},
  createdAt: '2025-01-01T00:00:00.000Z',
};
/** A delivery's event envelope. */
export const payload = {
  id: 'msg_1',
  type: 'webhook.test',
  appId: 'app_1',
  timestamp: '2025-01-01T00:00:00.000Z',
  data: {},
};
