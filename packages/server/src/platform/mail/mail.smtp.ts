import type { Transporter } from 'nodemailer';
import type { Mail, MailTransport } from './mail.port.ts';

/** Sends through an SMTP server (SMTP_URL), e.g. smtps://user:pass@smtp.example.com:465. */
export class SmtpMailTransport implements MailTransport {
  readonly kind = 'smtp' as const;
  readonly #url: string;
  readonly #from: string;
  /** Created with the first mail: nodemailer loads only on servers that send some. */
  #transporter: Promise<Transporter> | null = null;

  constructor(url: string, from: string) {
    this.#url = url;
    this.#from = from;
  }

  #transport(): Promise<Transporter> {
    this.#transporter ??= import('nodemailer').then((m) => m.default.createTransport(this.#url));
    return this.#transporter;
  }

  async deliver(mail: Mail): Promise<void> {
    const transporter = await this.#transport();
    await transporter.sendMail({ from: this.#from, to: mail.to, subject: mail.subject, text: mail.text });
  }

  close(): void {
    void this.#transporter?.then((t) => t.close());
  }
}

/** Keeps mail in the database outbox, where admins read it. The embedded default. */
export class DevMailTransport implements MailTransport {
  readonly kind = 'dev' as const;
  async deliver(): Promise<void> {}
}
