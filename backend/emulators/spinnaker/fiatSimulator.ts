import { HttpResponse, http, type HttpHandler } from 'msw';

type Authorization = 'READ' | 'WRITE' | 'EXECUTE' | 'CREATE';

/**
 * Fiat at the network boundary: `GET /authorize/{userId}` answers fiat-api's `UserPermission.View` (every field
 * Fiat sends, empty where these tests need nothing), 404 with a kork error body for a user it does not know.
 */
export class FiatSimulator {
  readonly handlers: HttpHandler[];
  /** Users asked about, in order. */
  readonly requests: string[] = [];
  private readonly users = new Map<string, { admin: boolean; applications: Record<string, Authorization[]> }>();
  private isDown = false;
  /** fiat.allowAccessToUnknownApplications: applications no user has a permission on are then open to all. */
  allowAccessToUnknownApplications = false;

  constructor(readonly url = 'https://fiat.example.com') {
    this.handlers = [
      http.get(`${url}/authorize/:user`, ({ params }) => {
        const user = decodeURIComponent(String(params.user));
        this.requests.push(user);
        if (this.isDown) return HttpResponse.error();
        const known = this.users.get(user);
        if (!known) {
          return HttpResponse.json(
            { timestamp: Date.now(), status: 404, error: 'Not Found', message: `User ${user} not found` },
            { status: 404 },
          );
        }
        return HttpResponse.json({
          name: user,
          accounts: [],
          applications: Object.entries(known.applications).map(([name, authorizations]) => ({
            name,
            authorizations,
          })),
          serviceAccounts: [],
          roles: [],
          buildServices: [],
          extensionResources: {},
          admin: known.admin,
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
  }
}
