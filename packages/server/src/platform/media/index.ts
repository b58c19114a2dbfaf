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
export { amzDate, type S3Credentials, sha256Hex, signV4, uriEncode } from './s3.sign.ts';
export { LocalMediaStorage } from './storage.local.ts';
export { isSafeKey, type MediaStorage, type StoredObject } from './storage.port.ts';
export {
  parseListObjects,
  S3_SCAN_EVERY_MS,
  S3MediaStorage,
  type S3Options,
  S3RequestError,
} from './storage.s3.ts';
