import { adminRoutes } from './admin/admin.routes.ts';
import type { AppDeps } from './app.ts';
import { AuditStore } from './audit/index.ts';
import { brandingRoutes } from './branding/index.ts';
import { catalogueRoutes } from './catalogue.routes.ts';
import { ChatService, ChatStore, chatRoutes } from './chat/index.ts';
import { authGuardRoutes, IdentityService, identityRoutes } from './identity/index.ts';
import type { MediaStorage } from './platform/media/index.ts';
import type { Platform } from './platform/platform.ts';
import { createMediaStorage, hlsRoutes, StreamService, StreamStore, streamRoutes } from './streams/index.ts';
import { jwksRoutes, TenantService, tenantRoutes } from './tenants/index.ts';
import { WebhookService, webhookRoutes } from './webhooks/index.ts';

/** The capabilities' services, built once per process on top of the platform. */
export interface Services {
  audit: AuditStore;
  identity: IdentityService;
  tenants: TenantService;
  webhooks: WebhookService;
  streams: StreamService;
  /** Where live segments and playlists are stored and served from. */
  media: MediaStorage;
  chat: ChatService;
}

/** The composition root: builds every service and registers job handlers on the platform's worker. */
export function createServices(platform: Platform): Services {
  const audit = new AuditStore();
  const identity = new IdentityService({ platform, audit });
  const tenants = new TenantService({ platform, audit });
  const webhooks = new WebhookService({ platform, audit, tenants });
  webhooks.registerWorker(platform.worker);
  const streamStore = new StreamStore();
  const streams = new StreamService({ platform, audit, store: streamStore });
  const chat = new ChatService({
    platform,
    audit,
    store: new ChatStore(),
    streams: (appId, id) => streamStore.find(platform.db, appId, id),
  });
  const media = createMediaStorage(platform);
  return { audit, identity, tenants, webhooks, streams, chat, media };
}

/** What the HTTP app is built from: authentication and every capability's routes. */
export function createAppDeps(platform: Platform, services: Services): AppDeps {
  const { identity, tenants, webhooks, audit, streams, chat, media } = services;
  return {
    platform,
    authenticator: {
      session: (token) => identity.authenticateSession(token),
      bearer: (token) => tenants.authenticateBearer(token),
    },
    apiRoutes: [
      catalogueRoutes(),
      identityRoutes({ identity, platform }),
      tenantRoutes({ tenants, platform }),
      webhookRoutes({ webhooks, tenants, platform }),
      adminRoutes({ platform, audit }),
      brandingRoutes({ platform, audit }),
      streamRoutes({ streams, tenants }),
      chatRoutes({ chat }),
    ],
    rootRoutes: [
      authGuardRoutes({ identity }),
      jwksRoutes({ tenants }),
      hlsRoutes({ db: platform.db, store: new StreamStore(), storage: media }),
    ],
  };
}
