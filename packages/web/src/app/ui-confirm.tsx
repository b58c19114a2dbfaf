import { useEffect, useRef, useState } from 'react';
import { useI18n } from './i18n-context.tsx';
import { Button, type ButtonVariant } from './ui.tsx';

/**
 * A destructive action in two steps: the first click asks "Are you sure?" in place, the second one acts.
 * Test ids: `testId` on the first button, `${testId}-confirm` and `${testId}-cancel` on the second step.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  busy = false,
  testId,
  variant = 'danger',
  disabled = false,
  small = true,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  busy?: boolean;
  testId: string;
  variant?: ButtonVariant;
  disabled?: boolean;
  small?: boolean;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const askedBefore = useRef(false);

  // Keep keyboard focus on the control: on the confirm button when asking, back on the first one after.
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (askedBefore.current) startRef.current?.focus();
    askedBefore.current = asking;
  }, [asking]);

  if (!asking && !busy) {
    return (
      <Button
        ref={startRef}
        variant="secondary"
        small={small}
        disabled={disabled}
        onClick={() => setAsking(true)}
        data-testid={testId}
      >
        {label}
      </Button>
    );
  }
  return (
    // biome-ignore lint/a11y/useSemanticElements: a fieldset would add a border and legend; a group role is enough here.
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <Button
        ref={confirmRef}
        variant={variant}
        small={small}
        busy={busy}
        onClick={() => {
          onConfirm();
          setAsking(false);
        }}
        data-testid={`${testId}-confirm`}
      >
        {confirmLabel}
      </Button>
      {!busy && (
        <Button
          variant="ghost"
          small={small}
          onClick={() => setAsking(false)}
          data-testid={`${testId}-cancel`}
        >
          {t('common.cancel')}
        </Button>
      )}
    </span>
  );
}
