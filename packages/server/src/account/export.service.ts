import type { AuditStore } from '../audit/index.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { type JobContext, type JobWorker, wakeWorkers } from '../platform/jobs/index.ts';
import { capLogger } from '../platform/log.ts';
import type { Platform } from '../platform/platform.ts';
import { accountErrors } from './account.errors.ts';
import { EXPORT_TTL_MS, exportProgress, redactForeignEmails } from './account.rules.ts';
import { ExportStore, isRunningExportConflict } from './account.store.ts';
import { CONTENT_SECTIONS } from './export.content.ts';
import { ACCOUNT_SECTIONS, type ExportSection } from './export.sections.ts';

/** Job kinds of data exports. */
export const EXPORT_JOB = 'account.export';
export const EXPORT_EXPIRE_JOB = 'account.export.expire';

/** Format version of the archive, bumped when a section changes shape. */
export const EXPORT_FORMAT = 1;

/** Every section of an export, in archive order. */
export const EXPORT_SECTIONS: readonly ExportSection[] = [...ACCOUNT_SECTIONS, ...CONTENT_SECTIONS];

/** An export as its owner sees it. */
export interface ExportView {
  id: string;
  status: 'queued' | 'running' | 'ready' | 'failed' | 'expired';
  progress: number;
  sizeBytes: number | null;
  createdAt: Date;
  finishedAt: Date | null;
  expiresAt: Date | null;
}

/**
 * Data exports: a member asks, a worker job builds one JSON archive of everything they own
 * (reporting progress as it goes), and the member downloads it until it expires (48 h).
 */
export class ExportService {
  readonly #store = new ExportStore();

  constructor(private readonly deps: { platform: Platform; audit: AuditStore }) {}

  /** Queues an export; refused while another of the member's exports is queued or running. */
  async request(userId: string, ip: string | null): Promise<ExportView> {
    const { platform, audit } = this.deps;
    const now = new Date(platform.clock.now());
    const id = newId('exp', now.getTime());
    try {
      await platform.db.transaction().execute(async (tx) => {
        await this.#store.insert(tx, { id, app_id: SITE_APP_ID, user_id: userId, created_at: now });
        await platform.jobs.enqueue(
          tx,
          { appId: SITE_APP_ID, kind: EXPORT_JOB, payload: { exportId: id }, maxAttempts: 3 },
          now,
        );
        await audit.record(
          tx,
          {
            appId: SITE_APP_ID,
            actorType: 'user',
            actorId: userId,
            ip,
            action: 'user.export_request',
            targetType: 'user',
            targetId: userId,
            data: { exportId: id },
          },
          now,
        );
      });
    } catch (error) {
      if (isRunningExportConflict(error)) throw accountErrors.ACCOUNT_EXPORT_RUNNING();
      throw error;
    }
    wakeWorkers(platform.bus);
    return this.get(userId, id);
  }

  /** The member's latest exports, newest first. */
  async list(userId: string): Promise<ExportView[]> {
    return (await this.#store.list(this.deps.platform.db, userId, 10)).map((row) => this.view(row));
  }

  async get(userId: string, id: string): Promise<ExportView> {
    const row = await this.#store.find(this.deps.platform.db, userId, id);
    if (!row) throw accountErrors.ACCOUNT_EXPORT_NOT_FOUND();
    return this.view(row);
  }

  /** The archive of a ready export of the member's (JSON text). */
  async download(userId: string, id: string): Promise<{ archive: string; createdAt: Date }> {
    const view = await this.get(userId, id);
    if (view.status === 'expired') throw accountErrors.ACCOUNT_EXPORT_EXPIRED();
    if (view.status !== 'ready') throw accountErrors.ACCOUNT_EXPORT_NOT_READY();
    const archive = await this.#store.archive(this.deps.platform.db, userId, id);
    if (archive === null) throw accountErrors.ACCOUNT_EXPORT_EXPIRED();
    return { archive, createdAt: view.createdAt };
  }

  /** Registers the jobs that build archives and drop them once expired. */
  registerWorker(worker: JobWorker): void {
    worker.register<{ exportId: string }>(EXPORT_JOB, (job) => this.build(job));
    worker.register<{ exportId: string }>(EXPORT_EXPIRE_JOB, async (job) => {
      await this.#store.expire(this.deps.platform.db, job.payload.exportId, this.now());
    });
  }

  private async build(job: JobContext<{ exportId: string }>): Promise<void> {
    const { platform } = this.deps;
    const db = platform.db;
    const started = await this.#store.start(db, job.payload.exportId);
    if (!started) return;
    try {
      const user = await db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', started.user_id)
        .executeTakeFirstOrThrow();
      const subject = { appId: started.app_id, user };
      const sections: Record<string, unknown> = {};
      for (const [index, section] of EXPORT_SECTIONS.entries()) {
        sections[section.name] = await section.read(db, subject);
        await this.#store.progress(db, started.id, exportProgress(index + 1, EXPORT_SECTIONS.length));
      }
      const now = this.now();
      const archive = JSON.stringify(
        redactForeignEmails(
          { format: EXPORT_FORMAT, exportId: started.id, userId: user.id, generatedAt: now, ...sections },
          user.email,
        ),
        null,
        2,
      );
      const expiresAt = new Date(now.getTime() + EXPORT_TTL_MS);
      await db.transaction().execute(async (tx) => {
        await this.#store.finish(tx, started.id, archive, now, expiresAt);
        await platform.jobs.enqueue(
          tx,
          {
            appId: started.app_id,
            kind: EXPORT_EXPIRE_JOB,
            payload: { exportId: started.id },
            runAt: expiresAt,
            idempotencyKey: `${EXPORT_EXPIRE_JOB}:${started.id}`,
          },
          now,
        );
      });
    } catch (error) {
      // The last attempt marks the export failed, so the member can ask again.
      if (job.attempt >= job.maxAttempts) {
        capLogger(platform.log, 'account').error({ err: error, exportId: started.id }, 'export failed');
        await this.#store.fail(db, started.id, 'The export could not be built', this.now());
        return;
      }
      throw error;
    }
  }

  private now(): Date {
    return new Date(this.deps.platform.clock.now());
  }

  private view(row: {
    id: string;
    status: ExportView['status'];
    progress: number;
    size_bytes: number | null;
    created_at: Date;
    finished_at: Date | null;
    expires_at: Date | null;
  }): ExportView {
    // A ready export past its window reads as expired even before the expiry job has run.
    const expired =
      row.status === 'ready' &&
      row.expires_at !== null &&
      row.expires_at.getTime() <= this.deps.platform.clock.now();
    return {
      id: row.id,
      status: expired ? 'expired' : row.status,
      progress: row.progress,
      sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
      createdAt: row.created_at,
      finishedAt: row.finished_at,
      expiresAt: row.expires_at,
    };
  }
}
