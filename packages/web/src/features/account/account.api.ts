import { type ApiClient, ApiError } from '../../app/api.ts';
import type { Session } from '../../app/types.ts';

/** One of the signed-in member's sessions. */
export interface SessionItem {
  id: string;
  device: { browser: string | null; os: string | null; kind: 'desktop' | 'mobile' | 'tablet' | 'unknown' };
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

/** A data export and how far along it is. */
export interface DataExport {
  id: string;
  status: 'queued' | 'running' | 'ready' | 'failed' | 'expired';
  progress: number;
  sizeBytes: number | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
}

/** What deleting the account would forfeit, and what must be done first. */
export interface DeletionPreview {
  walletBalance: number;
  earnings: number;
  payoutMinimum: number;
  pendingPayouts: number;
  graceDays: number;
  blockers: ('last_admin' | 'payout_pending' | 'earnings_pending')[];
}

/** Query keys of the account feature. */
export const accountKeys = {
  sessions: ['account', 'sessions'] as const,
  exports: ['account', 'exports'] as const,
  deletion: ['account', 'deletion'] as const,
};

/** Calls of the account settings: sessions, data export, deletion. */
export const accountApi = {
  sessions: (api: ApiClient) => api.get<{ items: SessionItem[] }>('/me/sessions'),
  revokeSession: (api: ApiClient, id: string) => api.delete(`/me/sessions/${id}`),
  revokeOthers: (api: ApiClient) => api.delete<{ revoked: number }>('/me/sessions'),
  exports: (api: ApiClient) => api.get<{ items: DataExport[] }>('/me/exports'),
  requestExport: (api: ApiClient) => api.post<{ export: DataExport }>('/me/exports', {}),
  deletionPreview: (api: ApiClient) => api.get<DeletionPreview>('/me/deletion'),
  requestDeletion: (api: ApiClient, password: string) =>
    api.post<{ deleteAfter: string }>('/me/deletion', { password }),
  cancelDeletion: (api: ApiClient, token: string) => api.post<Session>('/account/deletion/cancel', { token }),
};

/** Where a ready export downloads from (the session cookie authenticates the GET). */
export function exportDownloadUrl(id: string): string {
  return `/api/v1/me/exports/${encodeURIComponent(id)}/download`;
}

/** A sign-in refused because the account waits for deletion: when, and the token that cancels it. */
export function pendingDeletion(error: unknown): { deleteAfter: string; token: string } | null {
  if (!(error instanceof ApiError) || error.code !== 'ACCOUNT_DELETION_PENDING') return null;
  const find = (path: string) => error.details.find((d) => d.path === path)?.message;
  const deleteAfter = find('deleteAfter');
  const token = find('cancelToken');
  return deleteAfter && token ? { deleteAfter, token } : null;
}
