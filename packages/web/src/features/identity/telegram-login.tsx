import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import type { Session } from '../../app/types.ts';
import { ErrorAlert, Loading } from '../../app/ui.tsx';
import { identityApi, type TelegramAuthData } from './identity.api.ts';

/** Global the widget calls back (its `data-onauth` is evaluated as code, so it must be a plain global name). */
const CALLBACK = 'pnptvTelegramAuth';

declare global {
  interface Window {
    [CALLBACK]?: (data: TelegramAuthData) => void;
  }
}

/**
 * The Telegram Login Widget, only when the server has a bot configured. The widget script is added as a
 * DOM element (never as HTML text); its payload goes to POST /auth/telegram.
 */
export function TelegramLogin({ onSession }: { onSession: (session: Session) => void }) {
  const api = useApi();
  const { t, locale } = useI18n();
  const containerRef = useRef<HTMLDivElement>(null);
  const config = useQuery({
    queryKey: ['auth-config'],
    queryFn: () => identityApi.config(api),
    staleTime: 60_000,
  });
  const login = useMutation({
    mutationFn: (data: TelegramAuthData) => identityApi.telegram(api, data),
    onSuccess: onSession,
  });
  const bot = config.data?.telegramBotUsername ?? null;
  const mutate = login.mutate;

  useEffect(() => {
    const container = containerRef.current;
    if (!bot || !container) return;
    window[CALLBACK] = (data) => mutate(data);
    const script = document.createElement('script');
    script.async = true;
    script.src = 'https://telegram.org/js/telegram-widget.js?22';
    script.setAttribute('data-telegram-login', bot);
    script.setAttribute('data-size', 'large');
    script.setAttribute('data-radius', '8');
    script.setAttribute('data-request-access', 'write');
    script.setAttribute('data-lang', locale);
    script.setAttribute('data-onauth', `${CALLBACK}(user)`);
    container.appendChild(script);
    return () => {
      container.replaceChildren();
      delete window[CALLBACK];
    };
  }, [bot, locale, mutate]);

  if (!bot) return null;
  return (
    <div className="telegram-login" data-testid="telegram-login">
      <div className="divider">
        <span>{t('login.or')}</span>
      </div>
      <div ref={containerRef} className="telegram-widget" />
      {login.isPending && <Loading label={t('login.telegramPending')} />}
      <ErrorAlert error={login.error} testId="telegram-error" />
    </div>
  );
}
