import ipaddr from 'ipaddr.js';

/** Most restream targets one stream may have. */
export const MAX_TARGETS_PER_STREAM = 10;
/** Longest target server URL, characters. */
export const MAX_TARGET_URL_LENGTH = 512;
/** Longest target stream key, characters. */
export const MAX_TARGET_KEY_LENGTH = 256;
/** Longest target name, characters. */
export const MAX_TARGET_NAME_LENGTH = 60;
/** Characters shown of a saved stream key (its end). */
export const KEY_HINT_LENGTH = 4;
/** Attempts at a failing target before it is left failed until the next broadcast or a change. */
export const MAX_ATTEMPTS = 8;
/** A target sending for this long counts as healthy again: its next failure starts the backoff afresh, ms. */
export const STABLE_AFTER_MS = 30_000;
/** A target counts as live once ffmpeg has kept writing this long after it started without it failing, ms. */
export const LIVE_CONFIRM_MS = 1_500;
/** Packets queued per target while it connects or stalls before its packets are dropped (≈ 8 s at 30 fps plus audio). */
export const TARGET_QUEUE_PACKETS = 600;

/** Where a restream target is. */
export type TargetStatus = 'idle' | 'connecting' | 'live' | 'retrying' | 'failed';

/** The live state of one target, as the studio shows it. */
export interface TargetState {
  status: TargetStatus;
  /** Failed attempts in a row (0 while healthy). */
  attempt: number;
  /** Why the last attempt failed (stream key redacted); null when it did not. */
  reason: string | null;
  /** When the next attempt starts (ISO 8601), while retrying. */
  nextRetryAt: string | null;
}

/** Ingest URLs of the services the studio offers as presets. */
export const TARGET_PRESETS = {
  youtube: { name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2' },
  twitch: { name: 'Twitch', url: 'rtmp://live.twitch.tv/app' },
} as const;

/** Delay before attempt `attempt` (1-based) at a failed target: 2 s doubling to at most 60 s, ms. */
export function backoffMs(attempt: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 60_000);
}

/** What a failure does to a target: its next attempt number, and the delay before it (null: give up). */
export function nextAttempt(
  previousAttempts: number,
  liveForMs: number,
): { attempt: number; delayMs: number | null } {
  const attempt = (liveForMs >= STABLE_AFTER_MS ? 0 : previousAttempts) + 1;
  return { attempt, delayMs: attempt > MAX_ATTEMPTS ? null : backoffMs(attempt) };
}

/**
 * Characters ffmpeg's tee muxer reads as syntax in a slave's URL (separator, escape, quotes),
 * whitespace and controls. Brackets are safe there: options are read only from a leading `[…]`,
 * and IPv6 hosts need them.
 */
const UNSAFE = /[|\\'"\s\p{Cc}]/u;
/** Stream keys: the characters real services use, including query strings some of them append. */
export const KEY_PATTERN = /^[A-Za-z0-9._~\-=&?+/%!$*,;:@]+$/;

/** Why a target was refused. */
export type TargetProblem =
  | 'url_invalid'
  | 'url_scheme'
  | 'url_credentials'
  | 'url_private'
  | 'url_too_long'
  | 'key_invalid';

/**
 * Checks a target's server URL: rtmp:// or rtmps://, a host, no credentials, query or fragment,
 * no characters ffmpeg's tee syntax would read, and (unless `allowPrivate`) no literal loopback,
 * private, link-local or otherwise non-public address. Host names are not resolved here.
 */
export function checkTargetUrl(raw: string, allowPrivate: boolean): TargetProblem | null {
  if (raw.length > MAX_TARGET_URL_LENGTH) return 'url_too_long';
  if (UNSAFE.test(raw)) return 'url_invalid';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url_invalid';
  }
  if (url.protocol !== 'rtmp:' && url.protocol !== 'rtmps:') return 'url_scheme';
  if (url.username || url.password) return 'url_credentials';
  if (!url.hostname || url.search || url.hash) return 'url_invalid';
  if (!allowPrivate && isPrivateHost(url.hostname)) return 'url_private';
  return null;
}

/** Whether `hostname` is `localhost` or a literal address outside public unicast (any spelling ipaddr.js reads). */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (!ipaddr.isValid(host)) return false;
  return ipaddr.process(host).range() !== 'unicast';
}

/** Checks a stream key: 1–256 characters of those services use. */
export function checkTargetKey(key: string): TargetProblem | null {
  return key.length > 0 && key.length <= MAX_TARGET_KEY_LENGTH && KEY_PATTERN.test(key)
    ? null
    : 'key_invalid';
}

/** The URL ffmpeg publishes to: the server URL and the key as the last path segment. */
export function publishUrl(serverUrl: string, key: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/${key}`;
}

/** The last characters of a key, for "••••abcd". */
export function keyHint(key: string): string {
  return key.slice(-KEY_HINT_LENGTH);
}

/** Replaces every stream key in `text` (ffmpeg's messages quote URLs) with `****`. */
export function redactKeys(text: string, keys: readonly string[]): string {
  let out = text;
  for (const key of keys) if (key) out = out.split(key).join('****');
  return out;
}

/**
 * The ffmpeg arguments of one restream process: FLV on stdin, copied (never re-encoded) to
 * every URL through the tee muxer. Each target gets its own queue and thread (`use_fifo`), so a
 * target that connects slowly or stalls drops its own packets instead of holding the others,
 * and `onfail=ignore`, so a target that fails is dropped while the rest keep flowing. Progress
 * reports go to stderr with ffmpeg's messages, in the order they happen.
 */
export function restreamArgs(urls: readonly string[]): string[] {
  if (urls.length === 0) throw new Error('restreamArgs needs at least one target');
  for (const url of urls)
    if (UNSAFE.test(url)) throw new Error('target URL holds characters tee cannot take');
  const slaves = urls.map((url) => `[f=flv:flvflags=no_duration_filesize:onfail=ignore]${url}`);
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    '-progress',
    'pipe:2',
    '-stats_period',
    '1',
    '-f',
    'flv',
    '-i',
    'pipe:0',
    '-map',
    '0:v',
    '-map',
    '0:a?',
    '-c',
    'copy',
    '-f',
    'tee',
    '-use_fifo',
    '1',
    '-fifo_options',
    `queue_size=${TARGET_QUEUE_PACKETS}:drop_pkts_on_overflow=1`,
    slaves.join('|'),
  ];
}

/** What one line of a restream process's stderr says. */
export type RestreamLine =
  | { kind: 'progress'; outTimeS: number }
  | { kind: 'target_failed'; index: number; reason: string }
  | { kind: 'noise' }
  | { kind: 'other'; text: string };

/** ffmpeg's closing lines after a failure: they say nothing about the cause logged before them. */
const GENERIC =
  /All tee outputs failed|Conversion failed|Error muxing a packet|Error writing trailer|Error closing file|Error submitting a packet/;
const SLAVE_FAILED = /Slave muxer #(\d+) failed(?:: (.*?), continuing with|, aborting)/;

/** Reads one stderr line of a restream process (progress `key=value` lines and ffmpeg's messages). */
export function parseRestreamLine(line: string): RestreamLine {
  const trimmed = line.trim();
  const progress = /^out_time_us=(\d+)$/.exec(trimmed);
  if (progress) return { kind: 'progress', outTimeS: Number(progress[1]) / 1_000_000 };
  const failed = SLAVE_FAILED.exec(trimmed);
  if (failed) return { kind: 'target_failed', index: Number(failed[1]), reason: failed[2] ?? 'failed' };
  // Progress pairs may pad their value (`speed=  44x`).
  if (trimmed === '' || /^[a-z_0-9]+=\s*\S*$/.test(trimmed) || GENERIC.test(trimmed))
    return { kind: 'noise' };
  return { kind: 'other', text: trimmed.replace(/^\[[\w-]+ @ 0x[0-9a-f]+\] /, '') };
}
