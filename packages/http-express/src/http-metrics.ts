import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { InFlightRequests } from './in-flight-requests';
import { requestBytes } from './request-bytes';
import { routeTemplate } from './route-template';

/**
 * Request count, latency and bytes by method, route template (never the raw path) and status, and the
 * requests in flight, registered in `registry`.
 */
export function httpMetrics(registry: Registry, inFlight: InFlightRequests): RequestHandler {
  const registers = [registry];
  const requests = new Counter({
    name: 'stowage_http_requests_total',
    help: 'Requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const duration = new Histogram({
    name: 'stowage_http_request_duration_seconds',
    help: 'Time from the request to the end of its response, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const received = new Counter({
    name: 'stowage_http_received_bytes_total',
    help: 'Bytes received (headers and bodies: uploads), by method and route template',
    labelNames: ['method', 'route'],
    registers,
  });
  const sent = new Counter({
    name: 'stowage_http_sent_bytes_total',
    help: 'Bytes sent (headers and bodies: downloads), by method and route template',
    labelNames: ['method', 'route'],
    registers,
  });
  new Gauge({
    name: 'stowage_http_requests_in_flight',
    help: 'Requests being served',
    registers,
    collect() {
      this.set(inFlight.size);
    },
  });

  return (req, res, next) => {
    const stop = duration.startTimer();
    res.once('close', () => {
      const route = routeTemplate(req, res);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      stop(labels);
      requests.inc(labels);
      const bytes = requestBytes(req, res);
      received.inc({ method: req.method, route }, bytes.received);
      sent.inc({ method: req.method, route }, bytes.sent);
    });
    next();
  };
}
