import { HttpResponse, http, type HttpHandler } from 'msw';

type Authorization = 'READ' | 'WRITE' | 'EXECUTE' | 'CREATE';
type Permission = { admin: boolean; applications: Record<string, Authorization[]> };

/** An application no role restricts: Fiat grants every authorization on it (fiat-core Permissions). */
const ALL: Authorization[] = ['READ', 'WRITE', 'EXECUTE', 'CREATE'];

/**
 * Fiat at the network boundary: `GET /authorize/{userId}` answers fiat-api's `UserPermission.View` (every field
 * Fiat sends, empty where these tests need nothing), 404 with a kork error body for a user it does not know and
 * does not fall back for.
 */
export class FiatSimulator {
  readonly handlers: HttpHandler[];
  /** Users asked about, in order. */
  readonly requests: string[] = [];
  private readonly users = new Map<string, Permission>();
  private isDown = false;
  /** fiat.allowAccessToUnknownApplications: applications no user has a permission on are then open to all. */
  allowAccessToUnknownApplications = false;
  /** Applications no role restricts: Fiat's unrestricted user holds them, and every stored user gets them too. */
  readonly unrestrictedApplications = new Set<string>();
  /**
   * fiat.defaultToUnrestrictedUser: a user Fiat has not stored gets the unrestricted user's permissions, but only
   * when the caller's X-SPINNAKER-USER names that same user (fiat AuthorizeController.getUserPermissionOrDefault).
   */
  defaultToUnrestrictedUser = false;

  constructor(readonly url = 'https://fiat.example.com') {
    this.handlers = [
      http.get(`${url}/authorize/:user`, ({ params, request }) => {
        const user = decodeURIComponent(String(params.user));
        this.requests.push(user);
        if (this.isDown) return HttpResponse.error();
        const permission = this.permissionOf(user, request.headers.get('x-spinnaker-user'));
        if (!permission) {
          return HttpResponse.json(
            { timestamp: Date.now(), status: 404, error: 'Not Found', message: `User ${user} not found` },
            { status: 404 },
          );
        }
        return HttpResponse.json({
          name: permission.name,
          accounts: [],
          applications: Object.entries(permission.applications).map(([name, authorizations]) => ({
            name,
            authorizations,
          })),
          serviceAccounts: [],
          roles: [],
          buildServices: [],
          extensionResources: {},
          admin: permission.admin,
          legacyFallback: false,
          allowAccessToUnknownApplications: this.allowAccessToUnknownApplications,
          accountManager: false,
        });
      }),
    ];
  }

  addUser(name: string, applications: Record<string, Authorization[]>, { admin = false } = {}): void {
    this.users.set(name, { admin, applications });
  }

  down(): void {
    this.isDown = true;
  }

  reset(): void {
    this.users.clear();
    this.requests.length = 0;
    this.isDown = false;
    this.allowAccessToUnknownApplications = false;
    this.unrestrictedApplications.clear();
    this.defaultToUnrestrictedUser = false;
  }

  private permissionOf(user: string, caller: string | null): (Permission & { name: string }) | undefined {
    // Fiat's repository merges the unrestricted user into every user it returns (fiat RedisPermissionsRepository).
    const unrestricted = Object.fromEntries([...this.unrestrictedApplications].map((name) => [name, ALL]));
    const known = this.users.get(user);
    if (known) return { name: user, admin: known.admin, applications: { ...unrestricted, ...known.applications } };
    if (this.defaultToUnrestrictedUser && caller !== null && user.toLowerCase() === caller.toLowerCase()) {
      return { name: caller, admin: false, applications: unrestricted };
    }
    return undefined;
  }
}
