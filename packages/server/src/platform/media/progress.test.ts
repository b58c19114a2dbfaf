import { describe, expect, it } from 'vitest';
import { parseProgress, transcodeLagS } from './progress.ts';

describe('parseProgress', () => {
  it('reads complete reports and keeps the unfinished tail for the next chunk', () => {
    const text = [
      'frame=30',
      'fps=29.5',
      'out_time_ms=1000000',
      'speed=0.98x',
      'progress=continue',
      'frame=60',
      'fps=30.0',
      'out_time_ms=2',
    ].join('\n');
    const { reports, rest } = parseProgress(text);
    expect(reports).toEqual([{ outTimeS: 1, speed: 0.98, fps: 29.5 }]);
    expect(rest).toBe('frame=60\nfps=30.0\nout_time_ms=2');
    const next = parseProgress(`${rest}000000\nspeed=N/A\nprogress=end\n`);
    expect(next.reports).toEqual([{ outTimeS: 2, speed: null, fps: 30 }]);
    expect(next.rest).toBe('');
  });
});

describe('transcodeLagS', () => {
  it('is the wall time not yet covered by output, never negative', () => {
    expect(transcodeLagS(10, 9.5)).toBe(0.5);
    expect(transcodeLagS(10, 12)).toBe(0);
  });
});
