import type { Logger } from 'pino';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import { HttpError } from '../errors.js';

/** Fiat could not say what a user may do: reads are refused rather than answered unchecked. */
export class FiatUnavailableError extends HttpError {
  constructor(message: string) {
    super(message, 503);
  }
}

/** Fiat's `UserPermission.View` (fiat-api), the parts the backend reads. */
const userPermission = z.object({
  name: z.string(),
  admin: z.boolean().default(false),
  applications: z.array(z.object({ name: z.string(), authorizations: z.array(z.string()).default([]) })).default([]),
  /** fiat.allowAccessToUnknownApplications: Fiat then lists only restricted applications; the others are open. */
  allowAccessToUnknownApplications: z.boolean().default(false),
});

/** What one user may read: everything (a Fiat admin) or some applications (names in lower case). */
export interface ReadPermissions {
  user: string;
  admin: boolean;
  /** The applications Fiat gives them READ on. */
  applications: ReadonlySet<string>;
  /** Every application Fiat listed; with `allowUnknown`, one it did not list is open to all (fiat's evaluator). */
  listed: ReadonlySet<string>;
  allowUnknown: boolean;
}

/** Whether these permissions let their user read `application`, as Fiat's own permission evaluator decides. */
export function mayReadApplication(permissions: ReadPermissions, application: string): boolean {
  const name = application.toLowerCase();
  return (
    permissions.admin ||
    permissions.applications.has(name) ||
    (permissions.allowUnknown && !permissions.listed.has(name))
  );
}

export interface FiatOptions {
  /** FIAT_URL: Fiat's base URL as the backend reaches it. */
  url: string;
  logger: Logger;
  /** How long a user's permissions are reused; Deck asks several times for one page. */
  cacheMs?: number;
  timeoutMs?: number;
  clock?: Clock;
}

/**
 * Fiat's `GET /authorize/{user}`, cached briefly per user. Concurrent asks for one user share one request, and a
 * failure is not cached. Plain fetch: Fiat has no TypeScript client, and this is one GET.
 */
export class Fiat {
  private readonly base: string;
  private readonly cache = new Map<string, { at: number; permissions: Promise<ReadPermissions> }>();

  constructor(private readonly options: FiatOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  permissionsOf(user: string): Promise<ReadPermissions> {
    const now = (this.options.clock ?? systemClock).now().getTime();
    const cached = this.cache.get(user);
    if (cached && now - cached.at < (this.options.cacheMs ?? 10_000)) return cached.permissions;
    const permissions = this.fetch(user);
    this.cache.set(user, { at: now, permissions });
    permissions.catch(() => {
      if (this.cache.get(user)?.permissions === permissions) this.cache.delete(user);
    });
    return permissions;
  }

  private async fetch(user: string): Promise<ReadPermissions> {
    const url = `${this.base}/authorize/${encodeURIComponent(user)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        // As Gate sends it (kork SpinnakerRequestHeaderInterceptor): Fiat applies its fallback for a user it has not
        // stored only when the user asked about is the caller (fiat AuthorizeController.getUserPermissionOrDefault).
        headers: { accept: 'application/json', 'x-spinnaker-user': user },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      this.options.logger.warn({ err: error, user }, 'Fiat could not be reached');
      throw new FiatUnavailableError(
        `Fiat (FIAT_URL) could not be reached to check what ${user} may read: ${(error as Error).message}. Try again shortly.`,
      );
    }
    // Fiat knows no such user (never logged in, or its roles not synced yet) and has no fallback: nothing is readable.
    if (response.status === 404) {
      return { user, admin: false, applications: new Set(), listed: new Set(), allowUnknown: false };
    }
    if (!response.ok) {
      this.options.logger.warn({ status: response.status, user }, 'Fiat refused a permission check');
      throw new FiatUnavailableError(
        `Fiat (FIAT_URL) answered ${response.status} when asked what ${user} may read. Try again shortly.`,
      );
    }
    const parsed = userPermission.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new FiatUnavailableError(`Fiat (FIAT_URL) answered something other than a user's permissions for ${user}.`);
    }
    const { admin, applications, allowAccessToUnknownApplications } = parsed.data;
    const readable = applications.filter((application) => application.authorizations.includes('READ'));
    return {
      user,
      admin,
      applications: new Set(readable.map((application) => application.name.toLowerCase())),
      listed: new Set(applications.map((application) => application.name.toLowerCase())),
      allowUnknown: allowAccessToUnknownApplications,
    };
  }
}
