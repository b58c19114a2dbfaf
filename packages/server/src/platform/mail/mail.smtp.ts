import nodemailer, { type Transporter } from 'nodemailer';
import type { Mail, MailTransport } from './mail.port.ts';

/** Sends through an SMTP server (SMTP_URL), e.g. smtps://user:pass@smtp.example.com:465. */
export class SmtpMailTransport implements MailTransport {
  readonly kind = 'smtp' as const;
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transporter = nodemailer.createTransport(url);
  }

  async deliver(mail: Mail): Promise<void> {
    await this.transporter.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
  }

  close(): void {
    this.transporter.close();
  }
}

/** Keeps mail in the database outbox, where admins read it. The embedded default. */
export class DevMailTransport implements MailTransport {
  readonly kind = 'dev' as const;
  async deliver(): Promise<void> {}
}
