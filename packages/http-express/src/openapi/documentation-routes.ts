import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiRouter } from './api-router';
import type { OpenApiDocument } from './openapi-document';

// Relative URLs, so the page works wherever a proxy mounts the API, as long as it is opened without a slash.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Stowage API</title>
<link rel="stylesheet" href="documentation/static/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="documentation/static/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: 'documentation/json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  validatorUrl: null,
});
</script>
</body>
</html>
`;

/** The swagger-ui assets, from the `swagger-ui-dist` package: nothing is loaded from elsewhere. */
export const documentationAssets = (): RequestHandler =>
  express.static(path.dirname(require.resolve('swagger-ui-dist/package.json')), {
    index: false,
    fallthrough: false,
  });

/** `/documentation` (the docs UI) and `/documentation/json` (the OpenAPI document) on `api`. */
export function documentationRoutes(api: ApiRouter, document: () => OpenApiDocument): void {
  api.route(
    {
      method: 'get',
      path: '/documentation/json',
      summary: 'This OpenAPI document',
      tags: ['documentation'],
      auth: 'none',
      responses: {
        200: { description: 'The OpenAPI 3.1 document', body: z.record(z.string(), z.unknown()) },
      },
    },
    (_input, _req, res) => {
      res.json(document());
    },
  );
  api.route(
    {
      method: 'get',
      path: '/documentation',
      summary: 'The API documentation, browsable',
      tags: ['documentation'],
      auth: 'none',
      responses: { 200: { description: 'The docs UI', contentType: 'text/html' } },
    },
    (_input, req, res) => {
      if (req.path.endsWith('/')) {
        res.redirect(301, '../documentation');
        return;
      }
      res.type('html').send(PAGE);
    },
  );
}
