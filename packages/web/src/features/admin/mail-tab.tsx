import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import type { OutboxMail } from '../../app/types.ts';
import { Button, Card, EmptyState, ErrorAlert, Loading } from '../../app/ui.tsx';
import { adminLists } from './admin.api.ts';
import { linkify } from './linkify.ts';

/** Mail text in a <pre>, with its http(s) links as real links and everything else as plain text. */
export function MailText({ text }: { text: string }) {
  return (
    <pre className="mail-text" data-testid="mail-text">
      {linkify(text).map((segment, index) =>
        segment.type === 'link' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments have no identity beyond their position.
          <a key={index} href={segment.href} data-testid="mail-link">
            {segment.text}
          </a>
        ) : (
          segment.text
        ),
      )}
    </pre>
  );
}

/** The development outbox: every mail the server "sent", newest first. */
export function MailTab() {
  const { t, formatDate } = useI18n();
  const mail = useCursorList<OutboxMail>(['admin', 'mail'], adminLists.mail);

  return (
    <Card
      testId="admin-mail"
      title={t('admin.mail.title')}
      actions={
        <Button
          variant="ghost"
          small
          busy={mail.isRefetching}
          onClick={() => void mail.refetch()}
          data-testid="mail-refresh"
        >
          {t('common.refresh')}
        </Button>
      }
    >
      <p className="muted small">{t('admin.mail.hint')}</p>
      {mail.isPending && <Loading />}
      <ErrorAlert error={mail.error} />
      {mail.isSuccess && mail.items.length === 0 && <EmptyState title={t('admin.mail.empty')} />}
      {mail.items.length > 0 && (
        <ul className="list" data-testid="mail-list">
          {mail.items.map((item, index) => (
            <li key={item.id} className="mail-item" data-testid="mail-item" data-mail-id={item.id}>
              <details open={index === 0}>
                <summary>
                  <span className="mail-subject">{item.subject}</span>
                  <span className="muted small">
                    {t('admin.mail.to', { to: item.to })} · {formatDate(item.createdAt)}
                  </span>
                </summary>
                <MailText text={item.text} />
              </details>
            </li>
          ))}
        </ul>
      )}
      <LoadMore list={mail} />
    </Card>
  );
}
