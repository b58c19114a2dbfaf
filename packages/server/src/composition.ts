import { accountRoutes, DeletionService, ExportService } from './account/index.ts';
import { adminRoutes } from './admin/admin.routes.ts';
import type { AppDeps } from './app.ts';
import { AuditStore } from './audit/index.ts';
import { brandingRoutes } from './branding/index.ts';
import { catalogueRoutes } from './catalogue.routes.ts';
import { ChatService, ChatStore, chatRoutes } from './chat/index.ts';
import { CommunityService, CommunityStore, communityRoutes } from './community/index.ts';
import { GiftService, giftRoutes } from './gifts/index.ts';
import { authGuardRoutes, IdentityService, identityRoutes } from './identity/index.ts';
import { PaymentsService, paymentRoutes } from './payments/index.ts';
import { PayoutService, payoutRoutes, SplitService } from './payouts/index.ts';
import { type Entitlements, noEntitlements } from './platform/entitlements.ts';
import { type MediaStorage, MediaTools } from './platform/media/index.ts';
import type { Platform } from './platform/platform.ts';
import {
  createMediaStorage,
  createRestreamService,
  hlsRoutes,
  liveRoutes,
  PlaybackService,
  ProfileService,
  ProfileStore,
  profileRoutes,
  type RestreamService,
  restreamRoutes,
  StreamService,
  StreamStore,
  streamRoutes,
  ViewerStats,
  ViewerStatsStore,
  VodService,
  VodStore,
  vodRoutes,
} from './streams/index.ts';
import { SubscriptionService, subscriptionRoutes } from './subscriptions/index.ts';
import { jwksRoutes, TenantService, tenantRoutes } from './tenants/index.ts';
import { TicketService, ticketRoutes } from './tickets/index.ts';
import { LedgerService } from './wallet/index.ts';
import { walletRoutes } from './wallet/wallet.routes.ts';
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
  /** The ffmpeg and ffprobe this process runs (located from the configuration, checked on demand). */
  mediaTools: MediaTools;
  chat: ChatService;
  /** The 24/7 community room. */
  community: CommunityService;
  /** The coins ledger: every coin movement goes through it. */
  ledger: LedgerService;
  /** Buying coins: packages, orders, providers and their callbacks. */
  payments: PaymentsService;
  /** Gifts and tips on live streams. */
  gifts: GiftService;
  /** Pay-per-view tickets for streams and rooms. */
  tickets: TicketService;
  /** What users hold that opens gated content (tickets, subscriptions, PRIME). */
  entitlements: Entitlements;
  /** The revenue split: app default and per-creator overrides. */
  split: SplitService;
  /** Creator subscriptions and PRIME. */
  subscriptions: SubscriptionService;
  /** Creator earnings, payouts and statements. */
  payouts: PayoutService;
  /** Who may watch a stream or recording, and the signed playback tokens. */
  playback: PlaybackService;
  /** Live viewer analytics: heartbeats, bytes served, concurrent/peak/unique, watch time. */
  viewerStats: ViewerStats;
  /** Recordings (VOD assets) and their retention sweep. */
  vods: VodService;
  /** Per-app transcoding ladders (built-in and custom). */
  profiles: ProfileService;
  /** Restream targets of streams (external RTMP servers), keys sealed at rest. */
  restream: RestreamService;
  /** Members' exports of everything they own. */
  exports: ExportService;
  /** Account deletion with a grace period, then erasure. */
  deletion: DeletionService;
}

/** The composition root: builds every service and registers job handlers on the platform's worker. */
export function createServices(platform: Platform): Services {
  const audit = new AuditStore();
  // Sign-ins consult the deletion service, built below once its dependencies exist.
  const identity = new IdentityService({
    platform,
    audit,
    signInGate: (user, now) => deletion.gate(user, now),
  });
  const tenants = new TenantService({ platform, audit });
  const webhooks = new WebhookService({ platform, audit, tenants, http: platform.outbound.webhooks });
  webhooks.registerWorker(platform.worker);
  const streamStore = new StreamStore();
  const streams = new StreamService({ platform, audit, store: streamStore });
  const chat = new ChatService({
    platform,
    audit,
    store: new ChatStore(),
    streams: (appId, id) => streamStore.find(platform.db, appId, id),
    entitlements: () => entitlements,
  });
  const community = new CommunityService({ platform, chat, store: new CommunityStore() });
  const media = createMediaStorage(platform);
  const mediaTools = new MediaTools(platform.config);
  const ledger = new LedgerService({ db: platform.db, clock: platform.clock });
  const payments = new PaymentsService({
    platform,
    audit,
    ledger,
    // Provider APIs (ePayco's transaction validation, Stripe): public targets and the operator's configured origins.
    http: platform.outbound.providers,
  });
  const split = new SplitService({ platform, audit });
  const walletLocked = (appId: string, userId: string) => payments.isWalletLocked(appId, userId);
  const gifts = new GiftService({ platform, audit, ledger, split, walletLocked });
  const tickets = new TicketService({ platform, audit, ledger, split, walletLocked });
  const subscriptions = new SubscriptionService({ platform, audit, ledger, split, walletLocked });
  subscriptions.registerWorker(platform.worker);
  const payouts = new PayoutService({ platform, audit, ledger, split });
  const entitlements: Entitlements = {
    ...noEntitlements,
    hasTicket: (appId, userId, target) => tickets.hasTicket(appId, userId, target),
    isSubscribed: (appId, userId, creatorId) => subscriptions.isSubscribed(appId, userId, creatorId),
    isPrime: (appId, userId) => subscriptions.isPrime(appId, userId),
  };
  const playback = new PlaybackService({ platform, entitlements });
  const viewerStats = new ViewerStats({ platform, store: new ViewerStatsStore() });
  const vods = new VodService({ platform, storage: media, store: new VodStore() });
  vods.registerWorker(platform.worker);
  const profiles = new ProfileService({ platform, audit, store: new ProfileStore() });
  const exports = new ExportService({ platform, audit });
  exports.registerWorker(platform.worker);
  const deletion = new DeletionService({ platform, audit, identity, ledger, split, streams });
  deletion.registerWorker(platform.worker);
  return {
    audit,
    identity,
    tenants,
    webhooks,
    streams,
    chat,
    community,
    media,
    mediaTools,
    ledger,
    payments,
    gifts,
    tickets,
    entitlements,
    split,
    subscriptions,
    payouts,
    playback,
    viewerStats,
    vods,
    profiles,
    restream: createRestreamService(platform),
    exports,
    deletion,
  };
}

/** What the HTTP app is built from: authentication and every capability's routes. */
export function createAppDeps(platform: Platform, services: Services): AppDeps {
  const { identity, tenants, webhooks, audit, streams, chat, media, gifts, tickets } = services;
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
      communityRoutes({ community: services.community }),
      walletRoutes({
        ledger: services.ledger,
        isLocked: (appId, userId) => services.payments.isWalletLocked(appId, userId),
      }),
      paymentRoutes({ payments: services.payments }),
      giftRoutes({ gifts }),
      ticketRoutes({ tickets }),
      subscriptionRoutes({ subscriptions: services.subscriptions }),
      payoutRoutes({ payouts: services.payouts, split: services.split }),
      liveRoutes({
        platform,
        streams,
        store: new StreamStore(),
        playback: services.playback,
        viewers: services.viewerStats,
        tenants,
        ticketPrice: (appId, streamId) => tickets.priceOf(appId, { kind: 'stream', id: streamId }),
      }),
      vodRoutes({ platform, vods: services.vods, playback: services.playback }),
      profileRoutes({ profiles: services.profiles, tenants }),
      restreamRoutes({ restream: services.restream, tenants, streams: new StreamStore(), db: platform.db }),
      accountRoutes({ exports: services.exports, deletion: services.deletion, platform }),
    ],
    // Only ingest runs ffmpeg: an API-only node is ready without it.
    readiness: platform.config.roles.includes('ingest')
      ? { media: () => services.mediaTools.readiness() }
      : {},
    rootRoutes: [
      authGuardRoutes({ identity }),
      jwksRoutes({ tenants }),
      hlsRoutes({
        db: platform.db,
        store: new StreamStore(),
        storage: media,
        playback: services.playback,
        viewers: services.viewerStats,
        vods: new VodStore(),
        now: () => platform.clock.now(),
      }),
    ],
  };
}
