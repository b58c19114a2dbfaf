import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger } from 'pino';
import {
  LIVE_CONFIRM_MS,
  nextAttempt,
  parseRestreamLine,
  redactKeys,
  restreamArgs,
  type TargetState,
} from './restream.rules.ts';
import type { OpenTarget } from './restream.service.ts';

/** Bytes of FLV allowed to queue on a restream process's stdin before it is judged stuck, bytes. */
export const MAX_RESTREAM_BACKLOG_BYTES = 8 * 1024 * 1024;
/** Retries falling due this close together start in one process, ms. */
const BATCH_WINDOW_MS = 250;
/** Time a stopping process gets after its stdin closes before SIGKILL, ms. */
const STOP_TIMEOUT_MS = 3_000;

/** One ffmpeg process copying the feed to some of the targets (tee slaves, in `members` order). */
interface Lane {
  child: ChildProcess;
  /** Target id per tee slave index; null once that slave failed or was taken out. */
  members: (string | null)[];
  startedAt: number;
  stopping: boolean;
  lastError: string | null;
  exited: Promise<void>;
}

/** One target of the session. */
interface Member {
  target: OpenTarget;
  state: TargetState;
  lane: Lane | null;
  liveSince: number | null;
  retryTimer: NodeJS.Timeout | null;
}

/** What a session is built from. */
export interface RestreamSessionDeps {
  ffmpegPath: string;
  log: Logger;
  /** Feeds the published FLV to `sink`; returns the unsubscribe function. */
  subscribe: (sink: (chunk: Buffer) => void) => () => void;
  /** Called after any target's state changed. */
  onChange: () => void;
  now?: () => number;
}

/**
 * Restreaming of one live stream. All targets start in one ffmpeg process (`-c copy`, tee
 * muxer). A target that fails is dropped by that process while the others keep flowing, and
 * is retried with backoff in a process of its own (with any other targets whose retry falls
 * due at the same moment), so a target that keeps failing never restarts the process carrying
 * the healthy ones. Only removing or changing a target restarts the process it shares.
 */
export class RestreamSession {
  readonly #members = new Map<string, Member>();
  readonly #lanes = new Set<Lane>();
  readonly #now: () => number;
  #stopped = false;

  constructor(private readonly deps: RestreamSessionDeps) {
    this.#now = deps.now ?? Date.now;
  }

  /** Each target's state. */
  states(): Record<string, TargetState> {
    return Object.fromEntries([...this.#members].map(([id, member]) => [id, { ...member.state }]));
  }

  /** Pids of the running ffmpeg processes. */
  pids(): number[] {
    return [...this.#lanes].flatMap((lane) => (lane.child.pid ? [lane.child.pid] : []));
  }

  /** Sends to exactly `targets`: starts new ones together, stops removed or changed ones. */
  sync(targets: readonly OpenTarget[]): void {
    if (this.#stopped) return;
    const wanted = new Map(targets.map((t) => [t.id, t]));
    for (const [id, member] of this.#members) {
      if (wanted.get(id)?.publishUrl === member.target.publishUrl) continue;
      this.#members.delete(id);
      this.#detach(member);
    }
    const fresh: Member[] = [];
    for (const target of targets) {
      if (this.#members.has(target.id)) continue;
      const member: Member = {
        target,
        state: { status: 'idle', attempt: 0, reason: null, nextRetryAt: null },
        lane: null,
        liveSince: null,
        retryTimer: null,
      };
      this.#members.set(target.id, member);
      fresh.push(member);
    }
    if (fresh.length > 0) this.#startLane(fresh);
    this.deps.onChange();
  }

  /** Stops every process and retry; resolves once every process has exited. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const member of this.#members.values()) if (member.retryTimer) clearTimeout(member.retryTimer);
    await Promise.all([...this.#lanes].map((lane) => this.#stopLane(lane)));
    this.#members.clear();
  }

  /** Takes a removed target out of its process: the process stops if it carried nothing else, else restarts without it. */
  #detach(member: Member): void {
    if (member.retryTimer) clearTimeout(member.retryTimer);
    const lane = member.lane;
    if (!lane) return;
    lane.members = lane.members.map((id) => (id === member.target.id ? null : id));
    void this.#stopLane(lane);
    const rest = lane.members.flatMap((id) => {
      const other = id ? this.#members.get(id) : undefined;
      return other ? [other] : [];
    });
    if (rest.length > 0) this.#startLane(rest);
  }

  #keys(): string[] {
    return [...this.#members.values()].map((m) => m.target.key);
  }

  #startLane(members: Member[]): void {
    const { log } = this.deps;
    const child = spawn(this.deps.ffmpegPath, restreamArgs(members.map((m) => m.target.publishUrl)), {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let resolveExit = () => {};
    const lane: Lane = {
      child,
      members: members.map((m) => m.target.id),
      startedAt: this.#now(),
      stopping: false,
      lastError: null,
      exited: new Promise((resolve) => {
        resolveExit = resolve;
      }),
    };
    this.#lanes.add(lane);
    for (const member of members) {
      member.lane = lane;
      member.liveSince = null;
      member.state = { ...member.state, status: 'connecting', nextRetryAt: null };
    }
    child.stdin?.on('error', () => {
      // EPIPE when ffmpeg exits with data in flight: the close handler deals with it.
    });
    const unsubscribe = this.deps.subscribe((chunk) => {
      const stdin = child.stdin;
      if (!stdin?.writable) return;
      if (stdin.writableLength > MAX_RESTREAM_BACKLOG_BYTES) {
        lane.lastError = 'restream process is not keeping up';
        child.kill('SIGKILL');
        return;
      }
      stdin.write(chunk);
    });
    let pending = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = (lines.pop() ?? '').slice(-4096);
      for (const line of lines) this.#onLine(lane, line);
    });
    child.once('error', (error) => {
      lane.lastError = error.message;
    });
    child.once('close', (code, signal) => {
      unsubscribe();
      this.#lanes.delete(lane);
      resolveExit();
      if (lane.stopping || this.#stopped) return;
      const reason = lane.lastError ?? `ffmpeg exited (${signal ?? code})`;
      log.warn({ code, signal, reason }, 'restream process exited');
      this.#failAll(lane, reason);
    });
    log.info({ pid: child.pid, targets: lane.members }, 'restream process started');
    this.deps.onChange();
  }

  #onLine(lane: Lane, raw: string): void {
    const line = parseRestreamLine(raw);
    if (line.kind === 'noise') return;
    if (line.kind === 'other') {
      lane.lastError = redactKeys(line.text, this.#keys()).slice(0, 300);
      return;
    }
    if (line.kind === 'target_failed') {
      const id = lane.members[line.index];
      if (!id) return;
      lane.members[line.index] = null;
      const member = this.#members.get(id);
      if (member && member.lane === lane) this.#fail(member, redactKeys(line.reason, this.#keys()));
      this.deps.onChange();
      return;
    }
    const now = this.#now();
    if (now - lane.startedAt < LIVE_CONFIRM_MS) return;
    let changed = false;
    for (const id of lane.members) {
      const member = id ? this.#members.get(id) : undefined;
      if (!member || member.lane !== lane || member.state.status !== 'connecting') continue;
      member.liveSince = now;
      member.state = { ...member.state, status: 'live', reason: null };
      changed = true;
    }
    if (changed) this.deps.onChange();
  }

  #failAll(lane: Lane, reason: string): void {
    for (const id of lane.members) {
      const member = id ? this.#members.get(id) : undefined;
      if (member && member.lane === lane) this.#fail(member, reason);
    }
    this.deps.onChange();
  }

  /** Records a target's failure and schedules its retry, or gives up after too many attempts in a row. */
  #fail(member: Member, reason: string): void {
    const now = this.#now();
    member.lane = null;
    const { attempt, delayMs } = nextAttempt(
      member.state.attempt,
      member.liveSince ? now - member.liveSince : 0,
    );
    member.liveSince = null;
    this.deps.log.warn({ target: member.target.id, attempt, reason }, 'restream target failed');
    if (delayMs === null) {
      member.state = { status: 'failed', attempt: attempt - 1, reason, nextRetryAt: null };
      return;
    }
    member.state = {
      status: 'retrying',
      attempt,
      reason,
      nextRetryAt: new Date(now + delayMs).toISOString(),
    };
    member.retryTimer = setTimeout(() => this.#retryDue(), delayMs);
    member.retryTimer.unref();
  }

  /** Starts every target whose retry is due, together in one new process. */
  #retryDue(): void {
    if (this.#stopped) return;
    const until = this.#now() + BATCH_WINDOW_MS;
    const due = [...this.#members.values()].filter(
      (m) => m.state.status === 'retrying' && m.state.nextRetryAt && Date.parse(m.state.nextRetryAt) <= until,
    );
    for (const member of due) {
      if (member.retryTimer) clearTimeout(member.retryTimer);
      member.retryTimer = null;
    }
    if (due.length > 0) this.#startLane(due);
  }

  /** Ends a process: stdin closed (ffmpeg finishes its outputs), SIGKILL if it lingers. */
  async #stopLane(lane: Lane): Promise<void> {
    lane.stopping = true;
    lane.child.stdin?.end();
    const term = setTimeout(() => lane.child.kill('SIGTERM'), 1_000);
    const kill = setTimeout(() => lane.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      await lane.exited;
    } finally {
      clearTimeout(term);
      clearTimeout(kill);
    }
  }
}
