import type { ApiClient } from '../../app/api.ts';
import type { ApiKey, App, AppRole, Described, Invitation } from '../../app/types.ts';

/** Roles that can be given to team members and invitees (ownership is not transferable here). */
export const ASSIGNABLE_ROLES: AppRole[] = ['admin', 'editor', 'viewer'];

/** Whether `role` may change the app's keys, webhooks and team (viewers and editors only look). */
export function canManage(role: AppRole): boolean {
  return role === 'owner' || role === 'admin';
}

/** Whether `role` may edit content such as webhooks. */
export function canEdit(role: AppRole): boolean {
  return role !== 'viewer';
}

/** A freshly created or rotated key and its secret, which the server never shows again. */
export interface KeyWithSecret {
  key: ApiKey;
  secret: string;
}

const app = (id: string) => `/apps/${encodeURIComponent(id)}`;

/** Calls of the tenants capability (apps, API keys, team). */
export const tenantsApi = {
  getApp: (api: ApiClient, appId: string) => api.get<{ app: App }>(app(appId)),
  createApp: (api: ApiClient, name: string) => api.post<{ app: App }>('/apps', { name }),
  renameApp: (api: ApiClient, appId: string, name: string) => api.patch<{ app: App }>(app(appId), { name }),
  deleteApp: (api: ApiClient, appId: string) => api.delete(app(appId)),
  scopes: (api: ApiClient) => api.get<{ items: Described[] }>('/scopes'),
  createKey: (api: ApiClient, appId: string, name: string, scopes: string[]) =>
    api.post<KeyWithSecret>(`${app(appId)}/keys`, { name, scopes }),
  rotateKey: (api: ApiClient, appId: string, keyId: string) =>
    api.post<KeyWithSecret>(`${app(appId)}/keys/${encodeURIComponent(keyId)}/rotate`),
  revokeKey: (api: ApiClient, appId: string, keyId: string) =>
    api.delete(`${app(appId)}/keys/${encodeURIComponent(keyId)}`),
  setMemberRole: (api: ApiClient, appId: string, userId: string, role: AppRole) =>
    api.patch(`${app(appId)}/members/${encodeURIComponent(userId)}`, { role }),
  removeMember: (api: ApiClient, appId: string, userId: string) =>
    api.delete(`${app(appId)}/members/${encodeURIComponent(userId)}`),
  invite: (api: ApiClient, appId: string, email: string, role: AppRole) =>
    api.post<{ invitation: Invitation }>(`${app(appId)}/invitations`, { email, role }),
  cancelInvitation: (api: ApiClient, appId: string, invitationId: string) =>
    api.delete(`${app(appId)}/invitations/${encodeURIComponent(invitationId)}`),
  acceptInvitation: (api: ApiClient, token: string) =>
    api.post<{ app: App }>('/invitations/accept', { token }),
};

/** Paths of the paginated lists, for useCursorList. */
export const tenantLists = {
  apps: '/apps',
  keys: (appId: string) => `${app(appId)}/keys`,
  members: (appId: string) => `${app(appId)}/members`,
  invitations: (appId: string) => `${app(appId)}/invitations`,
};
