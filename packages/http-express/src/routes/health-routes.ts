import { z } from 'zod';
import type { ApiRouter } from '../openapi/api-router';

/** What readiness found: each dependency's check, and whether all passed. */
export const readinessReportSchema = z.object({
  ready: z.boolean(),
  checks: z.record(
    z.string(),
    z.object({ ok: z.boolean(), durationMs: z.number(), error: z.string().optional() }),
  ),
});

export type ReadinessReport = z.output<typeof readinessReportSchema>;

/** Checks the server's dependencies (database, blob backend); supplied by the host. */
export type Readiness = () => Promise<ReadinessReport>;

/** `/health`: readiness, 200 when every dependency answers, 503 otherwise. */
export function healthRoutes(api: ApiRouter, readiness: Readiness): void {
  api.route(
    {
      method: 'get',
      path: '/health',
      summary: 'Readiness: the database and the blob backend answer',
      tags: ['operations'],
      auth: 'none',
      responses: {
        200: { description: 'Ready', body: readinessReportSchema },
        503: {
          description: 'Not ready (a dependency failed, or the server is shutting down)',
          body: readinessReportSchema,
        },
      },
    },
    async (_input, _req, res) => {
      const report = await readiness();
      res.status(report.ready ? 200 : 503).json(report);
    },
  );
}
