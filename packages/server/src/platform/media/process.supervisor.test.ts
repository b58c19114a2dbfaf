import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessSupervisor } from './process.supervisor.ts';

const log = pino({ level: 'silent' });
const started: ProcessSupervisor[] = [];

function supervise(options: ConstructorParameters<typeof ProcessSupervisor>[0]): ProcessSupervisor {
  const supervisor = new ProcessSupervisor(options);
  started.push(supervisor);
  return supervisor;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('ProcessSupervisor', () => {
  it('restarts a crashing child with per-run arguments, then gives up after maxRestarts', async () => {
    const runs: number[] = [];
    const crashes: boolean[] = [];
    const supervisor = supervise({
      spec: {
        command: '/bin/sh',
        args: (run) => {
          runs.push(run);
          return ['-c', 'exit 3'];
        },
      },
      log,
      maxRestarts: 2,
      backoffMs: () => 10,
      onCrash: ({ willRestart }) => crashes.push(willRestart),
    });
    supervisor.start();
    await until(() => crashes.length === 3);
    expect(runs).toEqual([0, 1, 2]);
    expect(crashes).toEqual([true, true, false]);
    expect(supervisor.restarts).toBe(2);
    expect(supervisor.child).toBeNull();
  });

  it('restarts a child killed from outside', async () => {
    const supervisor = supervise({ spec: { command: 'sleep', args: ['30'] }, log, backoffMs: () => 10 });
    supervisor.start();
    const first = supervisor.child!.pid!;
    process.kill(first, 'SIGKILL');
    await until(() => supervisor.child !== null && supervisor.child.pid !== first);
    expect(alive(first)).toBe(false);
    expect(supervisor.restarts).toBe(1);
  });

  it('stops a child that ignores end of input and SIGTERM, and reaps it', async () => {
    const supervisor = supervise({
      spec: { command: '/bin/sh', args: ['-c', 'trap "" TERM; while true; do sleep 0.05; done'] },
      log,
      stopTimeoutMs: 400,
    });
    supervisor.start();
    const pid = supervisor.child!.pid!;
    const t0 = Date.now();
    await supervisor.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(alive(pid)).toBe(false);
    expect(supervisor.child).toBeNull();
    supervisor.start();
    expect(supervisor.child).toBeNull();
  });

  it('does not restart after stop even while a restart is pending', async () => {
    let spawns = 0;
    const supervisor = supervise({
      spec: { command: '/bin/sh', args: ['-c', 'exit 1'] },
      log,
      backoffMs: () => 200,
      onSpawn: () => {
        spawns += 1;
      },
    });
    supervisor.start();
    await until(() => supervisor.child === null);
    await supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(spawns).toBe(1);
  });
});
