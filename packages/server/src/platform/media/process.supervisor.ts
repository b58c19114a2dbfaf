import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger } from 'pino';

/** A command to run: executable and argument list (never through a shell). */
export interface ChildSpec {
  command: string;
  /** Arguments, or a function giving them for run number `n` (0-based), when each run needs its own. */
  args: readonly string[] | ((run: number) => readonly string[]);
}

/** How a supervised child is run and restarted. */
export interface SupervisorOptions {
  spec: ChildSpec;
  log: Logger;
  /** Restarts allowed before giving up; the count resets after `stableMs` of uptime. */
  maxRestarts?: number;
  /** Uptime after which a child counts as healthy again, ms. */
  stableMs?: number;
  /** Delay before restart number `n` (1-based), ms. */
  backoffMs?: (n: number) => number;
  /** Time a stopping child gets to finish after stdin closes and SIGTERM, before SIGKILL, ms. */
  stopTimeoutMs?: number;
  /** Pipe the child's stdout (to read it in onSpawn) instead of discarding it. */
  pipeStdout?: boolean;
  /** Called with each new child (e.g. to start feeding its stdin). */
  onSpawn?: (child: ChildProcess) => void;
  /** Called when a child exits unexpectedly; `willRestart` is false once restarts are exhausted. */
  onCrash?: (info: { code: number | null; signal: NodeJS.Signals | null; willRestart: boolean }) => void;
}

/**
 * Runs one child process and keeps it running: restarts it with backoff when it exits on its
 * own, stops it on request (stdin closed, then SIGTERM, then SIGKILL after a timeout), and
 * always waits for the exit so no zombie is left. The child reads its input from stdin, so
 * it also sees end-of-file and exits if this process dies without stopping it.
 */
export class ProcessSupervisor {
  #child: ChildProcess | null = null;
  #stopping = false;
  #restarts = 0;
  #totalRestarts = 0;
  #startedAt = 0;
  #restartTimer: NodeJS.Timeout | null = null;
  #exited: Promise<void> = Promise.resolve();
  readonly #stderrTail: string[] = [];

  constructor(private readonly options: SupervisorOptions) {}

  /** The running child, or null between a crash and its restart and after stop. */
  get child(): ChildProcess | null {
    return this.#child;
  }

  /** Restarts since start. */
  get restarts(): number {
    return this.#totalRestarts;
  }

  /** Whether stop() was called. */
  get stopped(): boolean {
    return this.#stopping;
  }

  /** The last lines the child wrote to stderr, for logs. */
  get stderrTail(): string {
    return this.#stderrTail.join('\n');
  }

  /** Spawns the child. */
  start(): void {
    if (this.#stopping || this.#child) return;
    const { spec, log } = this.options;
    const args = typeof spec.args === 'function' ? spec.args(this.#totalRestarts) : spec.args;
    const stdout = this.options.pipeStdout ? 'pipe' : 'ignore';
    const child = spawn(spec.command, args, { stdio: ['pipe', stdout, 'pipe'] });
    this.#child = child;
    this.#startedAt = Date.now();
    this.#stderrTail.length = 0;
    child.stdin?.on('error', () => {
      // EPIPE when the child exits while data is in flight: the exit handler deals with it.
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (!line.trim()) continue;
        this.#stderrTail.push(line);
        if (this.#stderrTail.length > 20) this.#stderrTail.shift();
      }
    });
    this.#exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.#child = null;
        resolve();
        this.#onExit(code, signal);
      });
      child.once('error', (error) => {
        log.error({ err: error, command: spec.command }, 'child process failed to start');
      });
    });
    log.debug({ pid: child.pid, command: spec.command }, 'child process started');
    this.options.onSpawn?.(child);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#stopping) return;
    const { log } = this.options;
    const stableMs = this.options.stableMs ?? 30_000;
    if (Date.now() - this.#startedAt >= stableMs) this.#restarts = 0;
    const maxRestarts = this.options.maxRestarts ?? 5;
    const willRestart = this.#restarts < maxRestarts;
    log.warn({ code, signal, willRestart, stderr: this.stderrTail }, 'child process exited unexpectedly');
    this.options.onCrash?.({ code, signal, willRestart });
    if (!willRestart || this.#stopping) return;
    this.#restarts += 1;
    this.#totalRestarts += 1;
    const delay = (this.options.backoffMs ?? ((n) => Math.min(250 * 2 ** (n - 1), 5_000)))(this.#restarts);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      this.start();
    }, delay);
  }

  /** Stops the child for good and resolves once it has exited. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    const child = this.#child;
    if (!child) return;
    const exited = this.#exited;
    child.stdin?.end();
    const timeoutMs = this.options.stopTimeoutMs ?? 3_000;
    const term = setTimeout(() => child.kill('SIGTERM'), Math.min(timeoutMs / 2, 1_000));
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(term);
      clearTimeout(kill);
    }
  }
}
