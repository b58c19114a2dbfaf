import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OpenTarget } from './restream.service.ts';
import { RestreamSession } from './restream.session.ts';

/**
 * A stand-in for ffmpeg speaking its stderr format: it logs its run to `runs.log`, reports every
 * tee slave whose URL holds `refuse` as failed the way ffmpeg's tee muxer does, then writes
 * progress reports until its stdin closes.
 */
const FAKE_FFMPEG = `#!/bin/sh
for last; do :; done
echo "$$ $last" >> "$(dirname "$0")/runs.log"
i=0
echo "$last" | tr '|' '\\n' | while read -r slave; do
  case "$slave" in *refuse*) echo "[tee @ 0x55d2deea1680] Slave muxer #$i failed: Connection refused, continuing with 1/2 slaves." >&2;; esac
  i=$((i+1))
done
( while :; do echo "out_time_us=1000000" >&2; echo "progress=continue" >&2; sleep 0.2; done ) &
ticker=$!
cat > /dev/null
kill $ticker
`;

const target = (id: string, url: string): OpenTarget => ({ id, publishUrl: url, key: `${id}-key` });

describe('restream session', () => {
  let dir: string;
  let ffmpegPath: string;
  let session: RestreamSession | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pnptv-restream-session-'));
    ffmpegPath = join(dir, 'ffmpeg');
    await writeFile(ffmpegPath, FAKE_FFMPEG);
    await chmod(ffmpegPath, 0o755);
  });
  afterEach(async () => {
    await session?.stop();
    await rm(join(dir, 'runs.log'), { force: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function start(): RestreamSession {
    session = new RestreamSession({
      ffmpegPath,
      log: pino({ level: 'silent' }),
      subscribe: (sink) => {
        sink(Buffer.from('FLV'));
        return () => {};
      },
      onChange: () => {},
    });
    return session;
  }
  const runs = async () =>
    (await readFile(join(dir, 'runs.log'), 'utf8').catch(() => ''))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => ({
        pid: Number(line.split(' ')[0]),
        urls: (line.match(/rtmp:\/\/[^|]+/g) ?? []).length,
      }));
  async function until<T>(check: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('retries a failing target in a process of its own and never restarts the one carrying the others', async () => {
    const s = start();
    s.sync([target('rst_a', 'rtmp://a.example/live/k1'), target('rst_b', 'rtmp://refuse.example/live/k2')]);
    const first = await until(() => (s.states().rst_a?.status === 'live' ? s.pids()[0] : undefined));
    expect(s.states().rst_b).toMatchObject({ status: 'retrying', attempt: 1, reason: 'Connection refused' });
    await until(() => ((s.states().rst_b?.attempt ?? 0) >= 2 ? true : undefined));
    const all = await runs();
    expect(all[0]).toEqual({ pid: first, urls: 2 });
    expect(all.slice(1).every((run) => run.urls === 1)).toBe(true);
    expect(s.pids()).toContain(first);
    expect(s.states().rst_a?.status).toBe('live');
  }, 30_000);

  it('restarts a shared process without a removed target, and stops with the stream', async () => {
    const s = start();
    s.sync([target('rst_a', 'rtmp://a.example/live/k1'), target('rst_c', 'rtmp://c.example/live/k3')]);
    const first = await until(() => (s.states().rst_c?.status === 'live' ? s.pids()[0] : undefined));
    s.sync([target('rst_a', 'rtmp://a.example/live/k1')]);
    const second = await until(() => {
      const pids = s.pids();
      return pids.length === 1 && pids[0] !== first ? pids[0] : undefined;
    });
    expect((await runs()).at(-1)).toEqual({ pid: second, urls: 1 });
    expect(Object.keys(s.states())).toEqual(['rst_a']);
    await s.stop();
    expect(s.pids()).toEqual([]);
  }, 30_000);
});
