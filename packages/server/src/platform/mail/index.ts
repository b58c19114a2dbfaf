export type { Mail, MailTransport } from './mail.port.ts';
export { MAIL_JOB, MailService } from './mail.service.ts';
export { DevMailTransport, SmtpMailTransport } from './mail.smtp.ts';
