import { useRef, useState } from 'react';
import { useI18n } from '../../app/i18n-context.tsx';
import { Badge, type BadgeTone, Button } from '../../app/ui.tsx';
import type { StreamStatus, Visibility } from './live.api.ts';

const STATUS_TONE: Record<StreamStatus, BadgeTone> = {
  idle: 'neutral',
  live: 'danger',
  reconnecting: 'warning',
  ended: 'neutral',
};

/** The stream's state as a coloured pill (live is red, reconnecting amber). */
export function StatusBadge({ status, testId }: { status: StreamStatus; testId?: string }) {
  const { t } = useI18n();
  return (
    <Badge tone={STATUS_TONE[status]} testId={testId}>
      {t(`live.status.${status}`)}
    </Badge>
  );
}

/** Who may watch, as a small pill; public streams show nothing unless `showPublic`. */
export function VisibilityBadge({
  visibility,
  showPublic = false,
}: {
  visibility: Visibility;
  showPublic?: boolean;
}) {
  const { t } = useI18n();
  if (visibility === 'public' && !showPublic) return null;
  return (
    <Badge tone={visibility === 'public' ? 'neutral' : 'primary'} testId="visibility-badge">
      {visibility === 'public' ? null : <LockIcon />}
      {t(`live.visibility.${visibility}`)}
    </Badge>
  );
}

/** A text value in monospace with a Copy button; when the clipboard is blocked the text gets selected instead. */
export function CopyField({
  value,
  shown,
  label,
  testId,
}: {
  value: string;
  /** What to display instead of `value` (a masked key, say); copying always copies `value`. */
  shown?: string;
  label: string;
  testId: string;
}) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const codeRef = useRef<HTMLElement>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('copied');
    } catch {
      const range = document.createRange();
      if (codeRef.current) range.selectNodeContents(codeRef.current);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      setCopied('failed');
    }
  }

  return (
    <div className="key-row">
      <code className="secret-value" ref={codeRef} data-testid={testId}>
        {shown ?? value}
      </code>
      <Button
        variant="secondary"
        small
        onClick={copy}
        aria-label={`${t('secret.copy')}: ${label}`}
        data-testid={`${testId}-copy`}
      >
        {copied === 'copied' ? t('secret.copied') : t('secret.copy')}
      </Button>
      <span className="sr-only" aria-live="polite">
        {copied === 'copied' ? t('secret.copied') : copied === 'failed' ? t('secret.copyFailed') : ''}
      </span>
    </div>
  );
}

/** A small padlock drawn in the current text colour (emoji fonts are not everywhere). */
export function LockIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm-2 6V4.5a2 2 0 1 1 4 0V7H6Z"
      />
    </svg>
  );
}

/** A small eye, for viewer counts. */
export function EyeIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M8 3C4.4 3 1.7 5.4.6 8c1.1 2.6 3.8 5 7.4 5s6.3-2.4 7.4-5C14.3 5.4 11.6 3 8 3Zm0 8.2A3.2 3.2 0 1 1 8 4.8a3.2 3.2 0 0 1 0 6.4Zm0-1.7a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3Z"
      />
    </svg>
  );
}
