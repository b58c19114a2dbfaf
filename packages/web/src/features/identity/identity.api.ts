import type { ApiClient } from '../../app/api.ts';
import type { CreatorApplication, Locale, Session, User } from '../../app/types.ts';

/** Fields the Telegram Login Widget hands to its callback, passed through to the server unchanged. */
export type TelegramAuthData = Record<string, string | number>;

/** The password was right and the account has two-factor on: the code is asked next. */
export interface SecondFactorChallenge {
  secondFactor: 'totp';
  mfaToken: string;
  expiresInS: number;
}

/** Two-factor state of the signed-in user. */
export interface TwoFactorStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
}

/** A started two-factor enrolment: the secret, shown once. */
export interface TwoFactorEnrolment {
  secret: string;
  otpauthUri: string;
  /** SVG QR code as a data URL */
  qrCode: string;
}

/** Calls of the identity capability (accounts, sessions, verification, profile). */
export const identityApi = {
  register: (api: ApiClient, input: { email: string; password: string; displayName: string }) =>
    api.post<{ status: 'check_email' }>('/auth/register', input),
  login: (api: ApiClient, input: { email: string; password: string }) =>
    api.post<Session | SecondFactorChallenge>('/auth/login', input),
  secondFactor: (api: ApiClient, input: { mfaToken: string; code: string }) =>
    api.post<Session>('/auth/login/second-factor', input),
  twoFactorStatus: (api: ApiClient) => api.get<TwoFactorStatus>('/me/two-factor'),
  startTwoFactor: (api: ApiClient) => api.post<TwoFactorEnrolment>('/me/two-factor/enrolment', {}),
  confirmTwoFactor: (api: ApiClient, code: string) =>
    api.post<{ recoveryCodes: string[] }>('/me/two-factor/confirm', { code }),
  regenerateRecoveryCodes: (api: ApiClient, code: string) =>
    api.post<{ recoveryCodes: string[] }>('/me/two-factor/recovery-codes', { code }),
  disableTwoFactor: (api: ApiClient, input: { password: string; code: string }) =>
    api.post('/me/two-factor/disable', input),
  setupStatus: (api: ApiClient) => api.get<{ open: boolean }>('/auth/setup'),
  setup: (api: ApiClient, input: { token: string; email: string; password: string; displayName: string }) =>
    api.post<Session>('/auth/setup', input),
  telegram: (api: ApiClient, data: TelegramAuthData) => api.post<Session>('/auth/telegram', data),
  config: (api: ApiClient) => api.get<{ telegramBotUsername: string | null }>('/auth/config'),
  verifyEmail: (api: ApiClient, token: string) =>
    api.post<{ user: User; csrfToken?: string }>('/auth/verify-email', { token }),
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
