import { createHash, timingSafeEqual } from 'node:crypto';
import { errors } from '@stowage/core';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { ApiRouter } from '../openapi/api-router';

export interface MetricsOptions {
  readonly registry: Registry;
  /** When set, `/metrics` answers only requests with `Authorization: Bearer <token>`. */
  readonly token?: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `/metrics` in Prometheus' text format. */
export function metricsRoutes(api: ApiRouter, { registry, token }: MetricsOptions): void {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  api.route(
    {
      method: 'get',
      path: '/metrics',
      summary: 'Metrics, in Prometheus text format',
      description: 'With METRICS_TOKEN set, needs `Authorization: Bearer <METRICS_TOKEN>`.',
      tags: ['operations'],
      auth: 'none',
      headers: z.object({ authorization: z.string().optional() }),
      responses: { 200: { description: 'The metrics', contentType: 'text/plain' } },
    },
    async ({ headers }, _req, res) => {
      if (expected && !timingSafeEqual(digest(headers.authorization ?? ''), expected)) {
        throw errors.accessDenied('metrics need the metrics token');
      }
      res.type(registry.contentType).send(await registry.metrics());
    },
  );
}
