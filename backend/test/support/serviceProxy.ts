import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServiceProxy {
  /** `http://127.0.0.1:<port>`: the Service address clients use. */
  url: string;
  /** Adds a pod; it receives requests once its /ready answers 200. */
  add(url: string): void;
  /** The pods that receive requests now. */
  ready(): string[];
  /** Which pod answered each request, in order; `lost` for a request no pod answered. */
  readonly served: string[];
  close(): Promise<void>;
}

/**
 * A Kubernetes Service in front of replicas, as far as a rolling upgrade needs it: requests are spread round-robin
 * over the pods whose readiness probe (`/ready`) last answered 200, probed every `probeMs`, so that a pod that goes
 * unready keeps receiving requests for up to that long, as endpoints reach kube-proxy with a delay. Like kube-proxy
 * it does not retry: a request sent to a pod that refuses it is lost (answered 502 here, for the test to count).
 */
export async function serviceProxy({ probeMs = 100 }: { probeMs?: number } = {}): Promise<ServiceProxy> {
  const pods = new Map<string, boolean>();
  const served: string[] = [];
  let next = 0;

  const probe = async () => {
    await Promise.all(
      [...pods.keys()].map(async (pod) => {
        const ok = await fetch(`${pod}/ready`, { signal: AbortSignal.timeout(1000) }).then(
          (res) => res.ok,
          () => false,
        );
        if (pods.has(pod)) pods.set(pod, ok);
      }),
    );
  };
  let probing = true;
  const loop = (async () => {
    while (probing) {
      await probe();
      await new Promise((resolve) => setTimeout(resolve, probeMs));
    }
  })();

  const ready = () => [...pods].filter(([, ok]) => ok).map(([pod]) => pod);
  const server: Server = createServer((req, res) => {
    const targets = ready();
    const pod = targets[next++ % Math.max(targets.length, 1)];
    const lost = () => {
      served.push('lost');
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('no pod answered');
    };
    if (!pod) return lost();
    const target = new URL(req.url ?? '/', pod);
    // A connection per request (no agent): what a pod does to one connection does not touch the next request.
    const upstream = httpRequest(target, { method: req.method, headers: req.headers, agent: false }, (answer) => {
      served.push(pod);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', lost);
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    add: (pod) => pods.set(pod, false),
    ready,
    served,
    close: async () => {
      probing = false;
      await loop;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
