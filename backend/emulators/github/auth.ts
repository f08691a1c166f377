import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';

/** What the simulator answers when credentials are refused; GitHub's own messages. */
export interface AuthFailure {
  status: 401 | 404;
  message: string;
}

let keyPair: { privateKey: string; publicKey: KeyObject } | undefined;

/**
 * The App's key pair, generated once per test worker. The private key is PKCS#1 PEM
 * (`BEGIN RSA PRIVATE KEY`), the format GitHub hands out when you generate an App key.
 */
export function appKeyPair(): { privateKey: string; publicKey: KeyObject } {
  if (!keyPair) {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    keyPair = { privateKey, publicKey: createPublicKey(privateKey) };
  }
  return keyPair;
}

const JWT_UNDECODABLE = 'A JSON web token could not be decoded';

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks an App JWT the way GitHub does
 * (https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app):
 * RS256, `iss` names a known App (else 404 "Integration not found"), signed by that App's key,
 * `iat` not in the future, `exp` in the future but at most 10 minutes ahead. The `exp`/`iat`
 * messages are the ones @octokit/auth-app matches to correct clock skew (`hook.js`).
 */
export function verifyAppJwt(jwt: string, app: { id: number; publicKey: KeyObject }): AuthFailure | undefined {
  const [header, payload, signature] = jwt.split('.');
  const head = decodePart(header);
  const claims = decodePart(payload);
  if (!head || !claims || signature === undefined || head.alg !== 'RS256')
    return { status: 401, message: JWT_UNDECODABLE };
  if (String(claims.iss) !== String(app.id)) return { status: 404, message: 'Integration not found' };
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    app.publicKey,
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return { status: 401, message: JWT_UNDECODABLE };

  const now = Math.floor(Date.now() / 1000);
  const { exp, iat } = claims;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > now) {
    return {
      status: 401,
      message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    };
  }
  if (typeof exp !== 'number' || exp <= now) {
    return {
      status: 401,
      message:
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    };
  }
  if (exp - now > 600) return { status: 401, message: "'Expiration time' claim ('exp') is too far in the future" };
  return undefined;
}

export interface IssuedToken {
  installationId: number;
  /** Repository ids the token may reach; narrowed when the token was requested for some repositories only. */
  repositoryIds: number[];
  permissions: Record<string, string>;
  expiresAt: number;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `ghs_` plus 36 characters, the installation token format (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/). */
export function newInstallationToken(): string {
  return `ghs_${[...randomBytes(36)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('')}`;
}

/** `Authorization: <scheme> <credentials>`; GitHub takes `token` and `bearer` in any case. */
export function parseAuthorization(header: string | null): { scheme: string; credentials: string } | undefined {
  const match = /^(\w+)\s+(\S+)$/.exec(header?.trim() ?? '');
  return match ? { scheme: (match[1] ?? '').toLowerCase(), credentials: match[2] ?? '' } : undefined;
}

export const looksLikeJwt = (credentials: string) => credentials.split('.').length === 3;
