import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino blanks out wherever they appear. Octokit errors carry the request (with its
 * `authorization` header) and Express requests carry ours (`x-stage-secret`, signatures).
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-stage-secret"]',
  'req.headers["x-hub-signature-256"]',
  'req.headers.cookie',
  'err.request.headers.authorization',
  'err.response.headers["set-cookie"]',
  'err.request.body',
  'headers.authorization',
  'config.github.privateKey',
  'config.github.webhookSecret',
  'config.stageSecret',
  'config.previousStageSecret',
  'config.gate.authHeader',
];

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino({ level: options.level, redact: { paths: REDACT, censor: '[redacted]' } }, options.destination);
}

export type { Logger };
