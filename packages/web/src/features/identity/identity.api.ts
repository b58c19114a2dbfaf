import type { ApiClient } from '../../app/api.ts';
import type { CreatorApplication, Locale, Session, User } from '../../app/types.ts';

/** Fields the Telegram Login Widget hands to its callback, passed through to the server unchanged. */
export type TelegramAuthData = Record<string, string | number>;

/** Calls of the identity capability (accounts, sessions, verification, profile). */
export const identityApi = {
  register: (api: ApiClient, input: { email: string; password: string; displayName: string }) =>
    api.post<Session>('/auth/register', input),
  login: (api: ApiClient, input: { email: string; password: string }) =>
    api.post<Session>('/auth/login', input),
  setupStatus: (api: ApiClient) => api.get<{ open: boolean }>('/auth/setup'),
  setup: (api: ApiClient, input: { token: string; email: string; password: string; displayName: string }) =>
    api.post<Session>('/auth/setup', input),
  telegram: (api: ApiClient, data: TelegramAuthData) => api.post<Session>('/auth/telegram', data),
  config: (api: ApiClient) => api.get<{ telegramBotUsername: string | null }>('/auth/config'),
  verifyEmail: (api: ApiClient, token: string) => api.post<{ user: User }>('/auth/verify-email', { token }),
  resendVerification: (api: ApiClient) => api.post('/auth/verify-email/resend'),
  requestPasswordReset: (api: ApiClient, email: string) =>
    api.post('/auth/password-reset/request', { email }),
  confirmPasswordReset: (api: ApiClient, token: string, password: string) =>
    api.post('/auth/password-reset/confirm', { token, password }),
  updateMe: (api: ApiClient, patch: { displayName?: string; locale?: Locale }) =>
    api.patch<{ user: User }>('/me', patch),
  changePassword: (api: ApiClient, currentPassword: string, newPassword: string) =>
    api.post('/me/password', { currentPassword, newPassword }),
  creatorApplication: (api: ApiClient) =>
    api.get<{ application: CreatorApplication | null }>('/me/creator-application'),
  applyAsCreator: (api: ApiClient, note: string) =>
    api.post<{ application: CreatorApplication }>('/me/creator-application', { note }),
};

/** Shortest password the forms accept before asking the server (which has the final word). */
export const MIN_PASSWORD_LENGTH = 8;
