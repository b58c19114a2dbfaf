import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { type AuditStore, actorOf } from '../audit/index.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { requireRole } from '../platform/http/auth.ts';
import { errorResponses } from '../platform/http/schemas.ts';
import type { Platform } from '../platform/platform.ts';
import { type BrandingOverrides, resolveBranding } from './branding.rules.ts';

const BRANDING_KEY = 'branding';
/** Hex colours only (#rgb or #rrggbb): they end up in CSS, so nothing else may get through. */
const Color = Type.String({ pattern: '^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$' });
const Colors = Type.Object({ primary: Color, background: Color, surface: Color, text: Color, accent: Color });
const BrandingSchema = Type.Object({
  name: Type.String(),
  colors: Colors,
  logoUrl: Type.Union([Type.String(), Type.Null()]),
});
const BrandingUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 60, pattern: '^[^\\u0000-\\u001f<>]+$' })),
    colors: Type.Optional(Type.Partial(Colors, { additionalProperties: false })),
    logoUrl: Type.Optional(
      Type.Union([
        Type.String({ maxLength: 2048, pattern: '^(https://[^\\s"\'<>]+|/[^/\\s"\'<>][^\\s"\'<>]*)$' }),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: false },
);

/** The site's branding (public) and its editing by instance admins. */
export function brandingRoutes(deps: { platform: Platform; audit: AuditStore }): FastifyPluginAsync {
  const { platform, audit } = deps;
  const load = async () => {
    const [app, row] = await Promise.all([
      platform.db.selectFrom('apps').select('name').where('id', '=', SITE_APP_ID).executeTakeFirst(),
      platform.db
        .selectFrom('settings')
        .select('value')
        .where('app_id', '=', SITE_APP_ID)
        .where('key', '=', BRANDING_KEY)
        .executeTakeFirst(),
    ]);
    return { appName: app?.name ?? null, overrides: (row?.value as BrandingOverrides | undefined) ?? null };
  };

  return async (app) => {
    app.get(
      '/branding',
      {
        schema: {
          tags: ['branding'],
          summary: "The site's name, colours and logo",
          security: [],
          response: { 200: BrandingSchema },
        },
      },
      async (_request, reply) => {
        const { appName, overrides } = await load();
        return reply.header('cache-control', 'public, max-age=60').send(resolveBranding(appName, overrides));
      },
    );

    app.patch(
      '/admin/branding',
      {
        schema: {
          tags: ['branding', 'admin'],
          summary: "Change the site's branding; omitted fields keep their value, null clears the logo",
          body: BrandingUpdate,
          response: { 200: BrandingSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const principal = requireRole(request, 'admin');
        const update = request.body as BrandingOverrides;
        const now = new Date(platform.clock.now());
        const { appName, overrides } = await load();
        const next: BrandingOverrides = {
          ...overrides,
          ...update,
          colors: { ...(overrides?.colors ?? {}), ...(update.colors ?? {}) },
        };
        await platform.db.transaction().execute(async (tx) => {
          await tx
            .insertInto('settings')
            .values({ app_id: SITE_APP_ID, key: BRANDING_KEY, value: JSON.stringify(next), updated_at: now })
            .onConflict((oc) =>
              oc.columns(['app_id', 'key']).doUpdateSet({ value: JSON.stringify(next), updated_at: now }),
            )
            .execute();
          await audit.record(
            tx,
            {
              appId: SITE_APP_ID,
              ...actorOf(principal, request.ip),
              action: 'branding.update',
              targetType: 'app',
              targetId: SITE_APP_ID,
              data: { fields: Object.keys(update) },
            },
            now,
          );
        });
        return resolveBranding(appName, next);
      },
    );
  };
}
