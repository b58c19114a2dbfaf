import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { Button, Card, ErrorAlert, Loading, TextField } from '../../app/ui.tsx';
import { SecretPanel } from '../../app/ui-secret.tsx';
import { identityApi, type TwoFactorEnrolment } from './identity.api.ts';

const STATUS_KEY = ['me', 'two-factor'] as const;

/** Offers the recovery codes as a text file. */
function downloadCodes(codes: string[]): void {
  const url = URL.createObjectURL(new Blob([`${codes.join('\n')}\n`], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'recovery-codes.txt';
  link.click();
  URL.revokeObjectURL(url);
}

/** Freshly issued recovery codes, shown once, with copy and download. */
function RecoveryCodesPanel({ codes, onDismiss }: { codes: string[]; onDismiss: () => void }) {
  const { t } = useI18n();
  return (
    <div className="stack-sm">
      <p className="muted">{t('twoFactor.codesHint')}</p>
      <SecretPanel
        title={t('twoFactor.codesTitle')}
        secret={codes.join('\n')}
        testId="recovery-codes"
        onDismiss={onDismiss}
      />
      <Button
        variant="secondary"
        small
        onClick={() => downloadCodes(codes)}
        data-testid="recovery-codes-download"
      >
        {t('twoFactor.download')}
      </Button>
    </div>
  );
}

/** One code field and a submit button. */
function CodeForm({
  label,
  busy,
  error,
  onCode,
  testId,
  withPassword = false,
}: {
  label: string;
  busy: boolean;
  error: unknown;
  onCode: (input: { code: string; password: string }) => void;
  testId: string;
  withPassword?: boolean;
}) {
  const { t } = useI18n();
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    onCode({ code: formText(form, 'code'), password: withPassword ? formText(form, 'password', true) : '' });
  }
  return (
    <form className="form" onSubmit={onSubmit} data-testid={testId}>
      {withPassword && (
        <TextField
          label={t('twoFactor.passwordLabel')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          data-testid={`${testId}-password`}
        />
      )}
      <TextField
        label={t('twoFactor.codeLabel')}
        name="code"
        autoComplete="one-time-code"
        required
        maxLength={16}
        data-testid={`${testId}-code`}
      />
      <ErrorAlert error={error} testId={`${testId}-error`} />
      <Button type="submit" busy={busy} data-testid={`${testId}-submit`}>
        {label}
      </Button>
    </form>
  );
}

/** Account settings section for TOTP two-factor: enrol with a QR code, recovery codes, turn off. */
export function TwoFactorCard() {
  const { t } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: STATUS_KEY, queryFn: () => identityApi.twoFactorStatus(api) });
  const [enrolment, setEnrolment] = useState<TwoFactorEnrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: STATUS_KEY });
  const start = useMutation({ mutationFn: () => identityApi.startTwoFactor(api), onSuccess: setEnrolment });
  const confirm = useMutation({
    mutationFn: (code: string) => identityApi.confirmTwoFactor(api, code),
    onSuccess: ({ recoveryCodes }) => {
      setEnrolment(null);
      setCodes(recoveryCodes);
      void refresh();
    },
  });
  const regenerate = useMutation({
    mutationFn: (code: string) => identityApi.regenerateRecoveryCodes(api, code),
    onSuccess: ({ recoveryCodes }) => {
      setCodes(recoveryCodes);
      void refresh();
    },
  });
  const disable = useMutation({
    mutationFn: (input: { password: string; code: string }) => identityApi.disableTwoFactor(api, input),
    onSuccess: () => void refresh(),
  });

  let body: ReactNode;
  if (!status.data) body = <Loading />;
  else if (codes) body = <RecoveryCodesPanel codes={codes} onDismiss={() => setCodes(null)} />;
  else if (enrolment) {
    body = (
      <div className="stack-sm" data-testid="two-factor-enrolment">
        <p className="muted">{t('twoFactor.scan')}</p>
        <img
          src={enrolment.qrCode}
          alt={t('twoFactor.qrAlt')}
          width={200}
          height={200}
          data-testid="two-factor-qr"
        />
        <p>
          {t('twoFactor.secret')}: <code data-testid="two-factor-secret">{enrolment.secret}</code>
        </p>
        <CodeForm
          label={t('twoFactor.confirm')}
          busy={confirm.isPending}
          error={confirm.error}
          onCode={({ code }) => confirm.mutate(code)}
          testId="two-factor-confirm"
        />
      </div>
    );
  } else if (!status.data.enabled) {
    body = (
      <div className="stack-sm">
        <p className="muted" data-testid="two-factor-off">
          {t('twoFactor.off')}
        </p>
        <ErrorAlert error={start.error} testId="two-factor-start-error" />
        <Button busy={start.isPending} onClick={() => start.mutate()} data-testid="two-factor-start">
          {t('twoFactor.enable')}
        </Button>
      </div>
    );
  } else {
    body = (
      <div className="stack">
        <p data-testid="two-factor-on">{t('twoFactor.on', { count: status.data.recoveryCodesLeft })}</p>
        <CodeForm
          label={t('twoFactor.regenerate')}
          busy={regenerate.isPending}
          error={regenerate.error}
          onCode={({ code }) => regenerate.mutate(code)}
          testId="two-factor-regenerate"
        />
        <CodeForm
          label={t('twoFactor.disable')}
          busy={disable.isPending}
          error={disable.error}
          onCode={(input) => disable.mutate(input)}
          testId="two-factor-disable"
          withPassword
        />
      </div>
    );
  }
  return (
    <Card title={t('twoFactor.title')} testId="two-factor-card">
      {body}
    </Card>
  );
}
