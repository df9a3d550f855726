import { type DestinationStream, type Logger, pino } from 'pino';
import type { HubConfig } from '../config/hub-config.js';
import { prettyStream } from './pretty-stream.js';

/** Paths pino blanks out wherever they occur in a log record: credentials and MACs never reach the logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["xroadvnpt-hash-header"]',
  'req.headers["xroadvnpt-sign-header"]',
  'headers.authorization',
  'headers["xroadvnpt-hash-header"]',
  'headers["xroadvnpt-sign-header"]',
  'secret',
  'vxpSecret',
  'apiKey',
  'password',
  '*.secret',
  '*.vxpSecret',
  '*.apiKey',
  '*.password',
  'credentials',
  '*.credentials',
];

/** The hub's pino logger: JSON lines on stdout (or `destination`), human-readable lines when `pretty`. */
export function createLogger(log: HubConfig['log'], destination?: DestinationStream): Logger {
  const dest = destination ?? (log.pretty ? prettyStream(process.stdout) : pino.destination({ sync: false }));
  return pino(
    {
      level: log.level,
      base: { service: 'lienthong-hub' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    dest,
  );
}
