import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Counts and times every request by route template, never by raw URL (ids would explode the label set). */
  middleware: RequestHandler;
  /**
   * Put before a mounted router: Express resets `req.baseUrl` once a router is left, which can be
   * before the response finishes, so the mount path is kept for the route label here.
   */
  rememberMountPath: RequestHandler;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const stop = duration.startTimer();
    res.on('finish', () => {
      const mountPath = typeof res.locals.mountPath === 'string' ? res.locals.mountPath : req.baseUrl;
      const route = req.route ? `${mountPath}${String(req.route.path)}` : 'unmatched';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      stop({ method: req.method, route });
    });
    next();
  };
  const rememberMountPath: RequestHandler = (req, res, next) => {
    res.locals.mountPath = req.baseUrl;
    next();
  };
  return { registry, middleware, rememberMountPath };
}
