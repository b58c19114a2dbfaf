import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import { Button, ErrorAlert, Notice } from '../../app/ui.tsx';
import { AuthCard } from '../identity/auth-card.tsx';
import { tenantsApi } from './tenants.api.ts';

/** Joins an app's team from an emailed `?token=`, after the user confirms. */
export function InvitationAcceptPage() {
  const { t } = useI18n();
  const api = useApi();
  const { user } = useSession();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  useDocumentTitle(t('invite.title'));
  const accept = useMutation({
    mutationFn: () => tenantsApi.acceptInvitation(api, token),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['apps'] }),
  });

  return (
    <AuthCard title={t('invite.title')} subtitle={user ? t('invite.as', { email: user.email }) : undefined}>
      {!token && (
        <div
          className="alert alert-error"
          role="alert"
          data-code="TOKEN_MISSING"
          data-testid="invitation-error"
        >
          {t('invite.missingToken')}
        </div>
      )}
      {token && accept.isSuccess && (
        <div className="stack">
          <Notice testId="invitation-accepted">{t('invite.done', { name: accept.data.app.name })}</Notice>
          <Link
            to={`/developer/apps/${encodeURIComponent(accept.data.app.id)}`}
            className="btn btn-primary btn-block"
            data-testid="invitation-open-app"
          >
            {t('invite.open')}
          </Link>
        </div>
      )}
      {token && !accept.isSuccess && (
        <div className="stack">
          <p>{t('invite.body')}</p>
          <ErrorAlert error={accept.error} testId="invitation-error" />
          <Button
            busy={accept.isPending}
            onClick={() => accept.mutate()}
            className="btn-block"
            data-testid="invitation-accept-submit"
          >
            {t('invite.accept')}
          </Button>
        </div>
      )}
    </AuthCard>
  );
}
