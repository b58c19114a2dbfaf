import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('./data');
    expect(config.databaseUrl).toBeNull();
    expect(config.redisUrl).toBeNull();
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.roles).toEqual(['api', 'realtime', 'ingest', 'worker']);
  });

  it('reads every variable it is given', () => {
    const config = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://u@db/pnptv',
      REDIS_URL: 'redis://cache:6379',
      PUBLIC_URL: 'https://live.example.com/',
      ROLES: 'api,worker',
    });
    expect(config).toMatchObject({
      port: 9000,
      databaseUrl: 'postgres://u@db/pnptv',
      redisUrl: 'redis://cache:6379',
      publicUrl: 'https://live.example.com',
      roles: ['api', 'worker'],
    });
  });

  it('lists every problem at once instead of stopping at the first', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        ROLES: 'api,web',
        TELEGRAM_BOT_TOKEN: '1:abc',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/ROLES/);
    expect(problems).toMatch(/TELEGRAM_BOT_USERNAME/);
  });

  it('refuses a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });

  it('reads the account deletion grace period in days, 14 by default, and refuses a negative one', () => {
    expect(loadConfig({}).accountDeletionGraceDays).toBe(14);
    expect(loadConfig({ ACCOUNT_DELETION_GRACE_DAYS: '0' }).accountDeletionGraceDays).toBe(0);
    expect(() => loadConfig({ ACCOUNT_DELETION_GRACE_DAYS: '-1' })).toThrow(/ACCOUNT_DELETION_GRACE_DAYS/);
    expect(() => loadConfig({ ACCOUNT_DELETION_GRACE_DAYS: 'two weeks' })).toThrow(
      /ACCOUNT_DELETION_GRACE_DAYS/,
    );
  });
});
