/** Live streams: the streams API, RTMP ingest, transcoding supervision, secure HLS delivery, viewer analytics, recordings and the site's live pages. */

export { hlsRoutes, PLAYLIST_CACHE, PRIVATE_CACHE, SEGMENT_CACHE } from './hls.routes.ts';
export { NmsIngestServer } from './ingest.nms.ts';
export type { IngestServer, PublisherConnection, PublisherMetadata } from './ingest.port.ts';
export { type EndReason, INGEST_APP, LiveIngest, type LiveIngestDeps } from './ingest.service.ts';
export {
  type LiveRoutesDeps,
  liveRoutes,
  PublicStream,
  StreamHealth,
  tokenisedMasterUrl,
} from './live.routes.ts';
export * from './playback.rules.ts';
export {
  PLAYBACK_SECRET_SETTING,
  type PlaybackGrant,
  PlaybackService,
  type Watchable,
} from './playback.service.ts';
export { Profile, profileRoutes } from './profiles.routes.ts';
export { ProfileService, type ProfileView, profileExists, resolveLadder } from './profiles.service.ts';
export { type ProfileRow, ProfileStore } from './profiles.store.ts';
export { restreamErrors } from './restream.errors.ts';
export { RestreamRelay } from './restream.relay.ts';
export { type RestreamRoutesDeps, restreamRoutes } from './restream.routes.ts';
export * from './restream.rules.ts';
export { RestreamTarget } from './restream.schemas.ts';
export {
  type OpenTarget,
  RESTREAM_CONTROL_TOPIC,
  RestreamService,
  restreamStateKey,
} from './restream.service.ts';
export { RestreamSession } from './restream.session.ts';
export { RestreamStore, type RestreamTargetRow } from './restream.store.ts';
export { streamErrors } from './streams.errors.ts';
export { streamRoutes } from './streams.routes.ts';
export * from './streams.rules.ts';
export { type StreamView, toStream } from './streams.schemas.ts';
export {
  type IngestInfo,
  type NewStreamInput,
  STREAM_CONTROL_TOPIC,
  type StreamControlMessage,
  StreamService,
  type StreamUpdateInput,
} from './streams.service.ts';
export { type SessionRow, type StreamRow, StreamStore } from './streams.store.ts';
export { LiveTranscoder, livePrefix, vodPrefix } from './transcoder.ts';
export * from './viewers.rules.ts';
export { type ViewerSnapshot, ViewerStats } from './viewers.service.ts';
export { ViewerStatsStore } from './viewers.store.ts';
export { Vod, vodRoutes } from './vods.routes.ts';
export {
  DEFAULT_VOD_RETENTION_DAYS,
  type FinishedSession,
  toVod,
  VOD_RETENTION_SETTING,
  VOD_SWEEP_JOB,
  VodService,
  type VodView,
} from './vods.service.ts';
export { type VodRow, VodStore } from './vods.store.ts';

import { join } from 'node:path';
import { AuditStore } from '../audit/index.ts';
import { capLogger } from '../platform/log.ts';
import {
  LocalMediaStorage,
  type MediaStorage,
  type MediaTools,
  S3MediaStorage,
} from '../platform/media/index.ts';
import type { Platform } from '../platform/platform.ts';
import { SecretBox } from '../platform/secrets.ts';
import { NmsIngestServer } from './ingest.nms.ts';
import { LiveIngest } from './ingest.service.ts';
import { RestreamRelay } from './restream.relay.ts';
import { RestreamService } from './restream.service.ts';
import { RestreamStore } from './restream.store.ts';
import { StreamStore } from './streams.store.ts';

/**
 * The media storage chosen by configuration: the S3 bucket when S3_* is set (ffmpeg's working
 * folders staged under `<DATA_DIR>/media-staging`), else local disk under `<DATA_DIR>/media`.
 */
export function createMediaStorage(platform: Platform): MediaStorage {
  const { s3, dataDir } = platform.config;
  if (s3)
    return new S3MediaStorage({
      ...s3,
      stagingDir: join(dataDir, 'media-staging'),
      log: capLogger(platform.log, 'streams').child({ part: 's3' }),
    });
  return new LocalMediaStorage(join(dataDir, 'media'));
}

/** Restream target use cases on the platform, with keys sealed by SECRETS_KEY (or the key file in DATA_DIR). */
export function createRestreamService(platform: Platform): RestreamService {
  return new RestreamService({
    platform,
    audit: new AuditStore(),
    store: new RestreamStore(),
    streams: new StreamStore(),
    box: SecretBox.fromConfig(platform.config),
    hosts: platform.outbound.userTargets,
  });
}

/** The ingest role's service on node-media-server, running the located ffmpeg. Call `start(port)`. */
export function createIngest(platform: Platform, storage: MediaStorage, tools: MediaTools): LiveIngest {
  return new LiveIngest({
    platform,
    store: new StreamStore(),
    server: new NmsIngestServer(capLogger(platform.log, 'streams').child({ part: 'rtmp' })),
    storage,
    ffmpegPath: tools.ffmpegPath,
    restream: new RestreamRelay({
      platform,
      targets: createRestreamService(platform),
      ffmpegPath: tools.ffmpegPath,
    }),
  });
}
