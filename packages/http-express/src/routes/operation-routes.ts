import type { ApiRouter } from '../openapi/api-router';

const tags = ['operations'];

/** Liveness and version, for operators and load balancers. */
export function operationRoutes(api: ApiRouter, version: string): void {
  api.route(
    {
      method: 'get',
      path: '/status',
      summary: 'Liveness: the process answers',
      tags,
      auth: 'none',
      responses: { 200: { description: 'Alive (empty body)', contentType: 'text/plain' } },
    },
    (_input, _req, res) => {
      res.type('text/plain').send('');
    },
  );
  api.route(
    {
      method: 'get',
      path: '/version',
      summary: "The server's version",
      tags,
      auth: 'none',
      responses: { 200: { description: 'The version, e.g. 0.1.0', contentType: 'text/plain' } },
    },
    (_input, _req, res) => {
      res.type('text/plain').send(version);
    },
  );
}
