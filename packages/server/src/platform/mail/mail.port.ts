/** One plain-text email. */
export interface Mail {
  appId: string;
  to: string;
  subject: string;
  text: string;
}

/** Hands a mail to the outside world. The dev transport keeps it in the outbox only. */
export interface MailTransport {
  readonly kind: 'dev' | 'smtp';
  deliver(mail: Mail): Promise<void>;
}
