import { type ComponentProps, type ReactNode, useId } from 'react';
import { ApiError, NETWORK_ERROR } from './api.ts';
import { useI18n } from './i18n-context.tsx';

/** Visual weight of a button. */
export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

/** A button that can show progress: while `busy` it is disabled, announces itself busy and shows a spinner. */
export function Button({
  variant = 'primary',
  busy = false,
  small = false,
  className,
  children,
  disabled,
  type = 'button',
  ...rest
}: ComponentProps<'button'> & { variant?: ButtonVariant; busy?: boolean; small?: boolean }) {
  const classes = ['btn', `btn-${variant}`, small ? 'btn-small' : '', className ?? '']
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type={type}
      className={classes}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}

/** A labelled input with an optional hint; the label is tied to the input so it can be found by its text. */
export function TextField({
  label,
  hint,
  className,
  ...input
}: ComponentProps<'input'> & { label: string; hint?: ReactNode }) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={input.id ?? id}>{label}</label>
      <input id={input.id ?? id} aria-describedby={hint ? hintId : undefined} {...input} />
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** The message to show for any thrown value: the server's message, or a translated fallback. */
export function useErrorMessage(): (error: unknown) => string {
  const { t } = useI18n();
  return (error) => {
    if (error instanceof ApiError) return error.code === NETWORK_ERROR ? t('error.network') : error.message;
    return t('error.unexpected');
  };
}

/** Announces an error (role=alert); the server's error code is kept in `data-code` for tests and support. */
export function ErrorAlert({ error, testId }: { error: unknown; testId?: string }) {
  const message = useErrorMessage();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'UNEXPECTED';
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div className="alert alert-error" role="alert" data-code={code} data-testid={testId ?? 'error'}>
      <p>{message(error)}</p>
      {details.length > 0 && (
        <ul>
          {details.map((detail) => (
            <li key={`${detail.path}:${detail.message}`}>
              {detail.path ? <code>{detail.path}</code> : null} {detail.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A polite status message (success or information). */
export function Notice({
  tone = 'success',
  children,
  testId,
}: {
  tone?: 'success' | 'info' | 'warning';
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className={`alert alert-${tone}`} role="status" data-testid={testId}>
      {children}
    </div>
  );
}

/** Screen-reader-announced loading indicator. */
export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

/** What a list shows when it has nothing in it. */
export function EmptyState({
  title,
  children,
  testId,
}: {
  title: string;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="empty" data-testid={testId ?? 'empty'}>
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

/** Colour of a status badge. */
export type BadgeTone = 'neutral' | 'success' | 'danger' | 'warning' | 'info' | 'primary';

/** A small pill for statuses and roles. */
export function Badge({
  tone = 'neutral',
  children,
  testId,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}

/** Title row of a page, with optional actions on the right. */
export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

/** A surface panel with an optional heading. */
export function Card({
  title,
  children,
  className,
  testId,
  actions,
}: {
  title?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
  actions?: ReactNode;
}) {
  return (
    <section className={`card ${className ?? ''}`} data-testid={testId}>
      {(title || actions) && (
        <div className="card-header">
          {title && <h2>{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}
