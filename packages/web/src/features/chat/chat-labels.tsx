import type { MessageKey } from '../../app/i18n.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { Badge } from '../../app/ui.tsx';
import type { ChatRole } from './chat.model.ts';
import { ChatRequestError } from './chat.realtime.ts';

/** Refusal codes the composer explains in its own words. */
const REFUSALS: Record<string, MessageKey> = {
  CHAT_SLOW_MODE: 'chat.refusal.slowMode',
  CHAT_TIMED_OUT: 'chat.refusal.timedOut',
  CHAT_BANNED: 'chat.refusal.banned',
  CHAT_RATE_LIMITED: 'chat.refusal.rateLimited',
  CHAT_TOO_LONG: 'chat.refusal.tooLong',
  CHAT_EMPTY: 'chat.refusal.empty',
  CHAT_FILTERED: 'chat.refusal.filtered',
  CHAT_BLOCKED_WORD: 'chat.refusal.filtered',
  CHAT_LINKS_NOT_ALLOWED: 'chat.refusal.links',
  CHAT_LINK_NOT_ALLOWED: 'chat.refusal.links',
  CHAT_ACCOUNT_TOO_NEW: 'chat.refusal.accountAge',
  CHAT_SUBSCRIBERS_ONLY: 'chat.refusal.subscribersOnly',
  CHAT_FOLLOWERS_ONLY: 'chat.refusal.followersOnly',
  CHAT_FORBIDDEN: 'chat.refusal.forbidden',
  CHAT_NOT_JOINED: 'chat.refusal.notJoined',
  CHAT_EDIT_WINDOW_CLOSED: 'chat.refusal.editWindow',
  CLIENT_TIMEOUT: 'chat.refusal.timeout',
};

/** A refusal to show: the code (kept in `data-code`) and its text. */
export interface Refusal {
  code: string;
  message: string;
  /** Shown as information rather than as a refusal. */
  info?: boolean;
}

export function useRefusalText(): (error: unknown) => Refusal {
  const { t } = useI18n();
  return (error) => {
    if (error instanceof ChatRequestError) {
      const key = REFUSALS[error.code];
      return { code: error.code, message: key ? t(key) : error.message || t('chat.refusal.generic') };
    }
    return { code: 'UNEXPECTED', message: t('chat.refusal.generic') };
  };
}

const ROLE_LABEL: Partial<Record<ChatRole, MessageKey>> = {
  owner: 'chat.role.owner',
  admin: 'chat.role.admin',
  moderator: 'chat.role.moderator',
  guest: 'chat.role.guest',
};

/** The role badge next to a name (none for plain members). */
export function RoleBadge({ role }: { role: ChatRole | null | undefined }) {
  const { t } = useI18n();
  const key = role ? ROLE_LABEL[role] : undefined;
  if (!role || !key) return null;
  const tone = role === 'guest' ? 'neutral' : role === 'owner' ? 'warning' : 'primary';
  return (
    <Badge tone={tone} testId="chat-role-badge">
      {t(key)}
    </Badge>
  );
}
