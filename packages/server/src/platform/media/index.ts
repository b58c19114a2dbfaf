/** Media tools: ffmpeg/ffprobe location, pure argument builders, probing, process supervision, storage. */
export {
  buildHlsLadderArgs,
  buildInfoArgs,
  buildProbeArgs,
  gopFrames,
  type HlsLadderSpec,
  type LadderRung,
  MASTER_PLAYLIST,
  THUMBNAIL_FILE,
  VARIANT_PLAYLIST,
} from './hls-args.ts';
export { bundledPath, findOnPath, locateMediaTool, type MediaTool } from './media.locator.ts';
export {
  type ProbeResult,
  type ProbeTools,
  parseFfmpegInfo,
  parseFrameRate,
  parseProbe,
  probe,
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
