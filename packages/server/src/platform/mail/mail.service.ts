import type { Clock } from '../clock.ts';
import type { Db, Executor, Row } from '../db/schema.ts';
import type { JobContext, JobStore, JobWorker } from '../jobs/index.ts';
import type { Mail, MailTransport } from './mail.port.ts';

/** Job kind that delivers one mail. */
export const MAIL_JOB = 'mail.send';

/**
 * Sends mail through the job queue, so a mail exists only if the change that caused it
 * commits, and a failing SMTP server is retried with backoff. Every mail is recorded in
 * the outbox table (the dev outbox admins see; with SMTP, a sent log).
 */
export class MailService {
  constructor(private readonly deps: { db: Db; jobs: JobStore; transport: MailTransport; clock: Clock }) {}

  /** Queues `mail` inside the caller's transaction. */
  async send(tx: Executor, mail: Mail): Promise<void> {
    await this.deps.jobs.enqueue(
      tx,
      { appId: mail.appId, kind: MAIL_JOB, payload: { ...mail }, maxAttempts: 10 },
      new Date(this.deps.clock.now()),
    );
  }

  /** Registers the delivery handler on a worker. */
  registerWorker(worker: JobWorker): void {
    worker.register<Mail>(MAIL_JOB, (job) => this.deliver(job));
  }

  private async deliver(job: JobContext<Mail>): Promise<void> {
    const mail = job.payload;
    // The outbox id derives from the job id, so a retried job never records a mail twice.
    const id = `mail_${job.id.slice(4)}`;
    const exists = await this.deps.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (exists) return;
    await this.deps.transport.deliver(mail);
    const now = new Date(this.deps.clock.now());
    await this.deps.db
      .insertInto('mail_outbox')
      .values({
        id,
        app_id: mail.appId,
        to_address: mail.to,
        subject: mail.subject,
        text_body: mail.text,
        transport: this.deps.transport.kind,
        created_at: now,
        sent_at: this.deps.transport.kind === 'smtp' ? now : null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /** The outbox, newest first. */
  list(appId: string | null, limit: number, cursor?: string): Promise<Row<'mail_outbox'>[]> {
    let query = this.deps.db.selectFrom('mail_outbox').selectAll();
    if (appId) query = query.where('app_id', '=', appId);
    if (cursor) query = query.where('id', '<', cursor);
    return query.orderBy('id', 'desc').limit(limit).execute();
  }
}
