import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AuditStore } from '../audit/index.ts';
import { AppError } from '../platform/errors.ts';
import { requireRole } from '../platform/http/auth.ts';
import {
  EmptyBody,
  errorResponses,
  Id,
  IsoDate,
  iso,
  NullableIsoDate,
  Page,
  PageQuery,
} from '../platform/http/schemas.ts';
import { wakeWorkers } from '../platform/jobs/index.ts';
import type { Platform } from '../platform/platform.ts';

const MailItem = Type.Object({
  id: Type.String(),
  appId: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  transport: Type.String(),
  createdAt: IsoDate,
  sentAt: NullableIsoDate,
});
const JobItem = Type.Object({
  id: Type.String(),
  appId: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown()),
  runAt: IsoDate,
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
const AuditItem = Type.Object({
  id: Type.String(),
  appId: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorType: Type.String(),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: IsoDate,
});
const JobsQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Union(
      ['queued', 'running', 'done', 'dead'].map((s) => Type.Literal(s)),
      { default: 'dead' },
    ),
  },
  { additionalProperties: false },
);
const AuditQuery = Type.Object(
  {
    ...PageQuery.properties,
    appId: Type.Optional(Id),
    action: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

function page<T extends { id: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  return { items: rows, nextCursor: rows.length === limit ? rows[rows.length - 1]!.id : null };
}

/** Instance administration: the dev mail outbox, the job queue and its dead letters, the audit log. */
export function adminRoutes(deps: { platform: Platform; audit: AuditStore }): FastifyPluginAsync {
  const { platform, audit } = deps;
  return async (app) => {
    const tags = ['admin'];
    app.get(
      '/admin/mail',
      {
        schema: {
          tags,
          summary: 'List mail sent (the dev outbox)',
          querystring: PageQuery,
          response: { 200: Page(MailItem), ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        const { limit, cursor } = request.query as { limit: number; cursor?: string };
        const rows = await platform.mail.list(null, limit, cursor);
        return page(
          rows.map((r) => ({
            id: r.id,
            appId: r.app_id,
            to: r.to_address,
            subject: r.subject,
            text: r.text_body,
            transport: r.transport,
            createdAt: r.created_at.toISOString(),
            sentAt: iso(r.sent_at),
          })),
          limit,
        );
      },
    );

    app.get(
      '/admin/jobs',
      {
        schema: {
          tags,
          summary: 'List jobs by status (dead letters by default)',
          querystring: JobsQuery,
          response: { 200: Page(JobItem), ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        const { limit, cursor, status } = request.query as {
          limit: number;
          cursor?: string;
          status: 'queued' | 'running' | 'done' | 'dead';
        };
        const rows = await platform.jobs.list(platform.db, status, limit, cursor);
        return page(
          rows.map((r) => ({
            id: r.id,
            appId: r.app_id,
            kind: r.kind,
            status: r.status,
            attempts: r.attempts,
            maxAttempts: r.max_attempts,
            lastError: r.last_error,
            payload: r.payload as unknown as Record<string, unknown>,
            runAt: r.run_at.toISOString(),
            createdAt: r.created_at.toISOString(),
            updatedAt: r.updated_at.toISOString(),
          })),
          limit,
        );
      },
    );

    app.post(
      '/admin/jobs/:id/retry',
      {
        schema: {
          body: EmptyBody,
          tags,
          summary: 'Put a dead job back in the queue',
          params: Type.Object({ id: Id }),
          response: {
            202: Type.Object({ id: Type.String(), status: Type.Literal('queued') }),
            ...errorResponses(400, 401, 403, 404, 409),
          },
        },
      },
      async (request, reply) => {
        const principal = requireRole(request, 'admin');
        const { id } = request.params as { id: string };
        const now = new Date(platform.clock.now());
        const revived = await platform.db.transaction().execute(async (tx) => {
          const job = await tx
            .selectFrom('jobs')
            .select(['id', 'app_id', 'status'])
            .where('id', '=', id)
            .executeTakeFirst();
          if (!job) throw new AppError('ADMIN_JOB_NOT_FOUND', 404, 'No such job');
          if (!(await platform.jobs.revive(tx, id, now)))
            throw new AppError('ADMIN_JOB_NOT_DEAD', 409, 'Only dead jobs can be retried');
          await audit.record(
            tx,
            {
              appId: job.app_id,
              actorType: 'user',
              actorId: principal.user.id,
              ip: request.ip,
              action: 'job.retry',
              targetType: 'job',
              targetId: id,
            },
            now,
          );
          return true;
        });
        if (revived) wakeWorkers(platform.bus);
        return reply.status(202).send({ id, status: 'queued' as const });
      },
    );

    app.get(
      '/admin/audit',
      {
        schema: {
          tags,
          summary: 'Read the audit log of every app',
          querystring: AuditQuery,
          response: { 200: Page(AuditItem), ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        const { limit, cursor, appId, action } = request.query as {
          limit: number;
          cursor?: string;
          appId?: string;
          action?: string;
        };
        const rows = await audit.list(platform.db, { appId: appId ?? null, limit, cursor, action });
        return page(
          rows.map((r) => ({
            id: r.id,
            appId: r.app_id,
            actorId: r.actor_id,
            actorType: r.actor_type,
            action: r.action,
            targetType: r.target_type,
            targetId: r.target_id,
            ip: r.ip,
            data: r.data as unknown as Record<string, unknown>,
            createdAt: r.created_at.toISOString(),
          })),
          limit,
        );
      },
    );
  };
}
