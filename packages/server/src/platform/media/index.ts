/** Media tools: ffmpeg/ffprobe location, pure argument builders, probing, process supervision, storage. */
export {
  buildHlsLadderArgs,
  buildProbeArgs,
  buildSmokeClipArgs,
  ENCODER_MASTER_PLAYLIST,
  gopFrames,
  type HlsLadderSpec,
  type LadderRung,
  MASTER_PLAYLIST,
  THUMBNAIL_FILE,
  VARIANT_PLAYLIST,
} from './hls-args.ts';
export {
  AVERAGE_MARGIN,
  bufsizeKbit,
  type DeclaredVariant,
  declaredRates,
  estimatedRates,
  formatMasterPlaylist,
  type MasterVariant,
  maxrateKbps,
  PEAK_MARGIN,
  type PlaylistSegment,
  parseAttributes,
  parseMasterPlaylist,
  parseMediaPlaylist,
  REPRESENTATIVE_S,
  type RungRates,
  SegmentBitrateMeter,
} from './hls-bandwidth.ts';
export { MasterPublisher, type MasterPublisherOptions } from './master.publisher.ts';
export { mediaErrors } from './media.errors.ts';
export {
  bundledPath,
  DEBIAN_BIN_DIR,
  findMediaTool,
  findOnPath,
  type LocatedTool,
  type LocateOptions,
  locateMediaTool,
  type MediaTool,
  type MediaToolSource,
} from './media.locator.ts';
export {
  checkMediaTools,
  MEDIA_CHECK_TIMEOUT_MS,
  MEDIA_RECHECK_MS,
  type MediaReadiness,
  type MediaToolStatus,
  MediaTools,
  type MediaToolsReport,
  parseToolVersion,
} from './media.tools.ts';
export {
  type ProbeResult,
  parseFrameRate,
  parseProbe,
  probe,
  probeFailure,
  runMediaTool,
  type ToolRun,
} from './probe.ts';
export { type ChildSpec, ProcessSupervisor, type SupervisorOptions } from './process.supervisor.ts';
export { type FfmpegProgress, parseProgress, transcodeLagS } from './progress.ts';
export { S3_MIN_PART_BYTES, S3BucketClient, type S3BucketOptions, toStorageError } from './s3.bucket.ts';
export { LocalMediaStorage } from './storage.local.ts';
export {
  type ByteRange,
  isSafeKey,
  isValidRange,
  type MediaStorage,
  MediaStorageError,
  type MediaStorageErrorCode,
  mediaContentType,
  type ObjectInfo,
  type ObjectStream,
  resolveRange,
  type StoredObject,
} from './storage.port.ts';
export { S3_SCAN_EVERY_MS, S3MediaStorage, type S3Options } from './storage.s3.ts';
