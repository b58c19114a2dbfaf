import type { ReactNode } from 'react';

/** Centered narrow card used by the sign-up, login and password pages. */
export function AuthCard({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="auth-page">
      <section className="card auth-card">
        <h1>{title}</h1>
        {subtitle && <p className="muted auth-subtitle">{subtitle}</p>}
        {children}
      </section>
      {footer && <p className="auth-footer">{footer}</p>}
    </div>
  );
}
