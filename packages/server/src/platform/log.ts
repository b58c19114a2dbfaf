import { type Logger, pino } from 'pino';

/** Log categories: one per capability plus the platform pieces. A closed list keeps dashboards stable. */
export type LogCategory =
  | 'platform'
  | 'http'
  | 'db'
  | 'bus'
  | 'jobs'
  | 'mail'
  | 'identity'
  | 'account'
  | 'tenants'
  | 'webhooks'
  | 'chat'
  | 'streams'
  | 'wallet'
  | 'payments'
  | 'admin'
  | 'worker';

export type { Logger };

/** Creates the root logger. `destination` lets tests capture lines. */
export function createLogger(options: {
  level: string;
  nodeId: string;
  destination?: NodeJS.WritableStream;
}): Logger {
  return pino(
    {
      level: options.level,
      base: { node: options.nodeId },
      redact: {
        paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.secret'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stdout,
  );
}

/** Child logger tagged with the capability it belongs to. */
export function capLogger(root: Logger, cap: LogCategory): Logger {
  return root.child({ cap });
}
