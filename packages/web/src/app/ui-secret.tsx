import { useEffect, useRef, useState } from 'react';
import { useI18n } from './i18n-context.tsx';
import { Button } from './ui.tsx';

/**
 * Shows a credential the server returns only once, with a copy button and a warning. It takes focus when
 * it appears so keyboard and screen-reader users notice it; `testId` goes on the element holding the secret.
 */
export function SecretPanel({
  title,
  secret,
  testId,
  onDismiss,
}: {
  title: string;
  secret: string;
  testId: string;
  onDismiss: () => void;
}) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const panelRef = useRef<HTMLElement>(null);
  const codeRef = useRef<HTMLElement>(null);

  useEffect(() => {
    panelRef.current?.focus();
  }, []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('copied');
    } catch {
      // Clipboard blocked (insecure origin or permissions): select the text so Ctrl+C works.
      const range = document.createRange();
      if (codeRef.current) range.selectNodeContents(codeRef.current);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      setCopied('failed');
    }
  }

  return (
    <section
      className="secret-panel"
      aria-label={title}
      tabIndex={-1}
      ref={panelRef}
      data-testid={`${testId}-panel`}
    >
      <h3>{title}</h3>
      <p className="secret-warning">
        <strong>{t('secret.warningTitle')}</strong> {t('secret.warning')}
      </p>
      <div className="secret-row">
        <code className="secret-value" ref={codeRef} data-testid={testId}>
          {secret}
        </code>
        <Button variant="secondary" small onClick={copy} data-testid={`${testId}-copy`}>
          {copied === 'copied' ? t('secret.copied') : t('secret.copy')}
        </Button>
      </div>
      <p className="sr-only" aria-live="polite">
        {copied === 'copied' ? t('secret.copied') : copied === 'failed' ? t('secret.copyFailed') : ''}
      </p>
      {copied === 'failed' && <p className="field-hint">{t('secret.copyFailed')}</p>}
      <Button variant="ghost" small onClick={onDismiss} data-testid={`${testId}-dismiss`}>
        {t('secret.dismiss')}
      </Button>
    </section>
  );
}
