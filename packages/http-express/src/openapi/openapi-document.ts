import { z } from 'zod';
import { errorEnvelopeSchema } from '../error-response';
import type { ResponseSpec, RouteSpec } from './route-spec';

type JsonSchema = Record<string, unknown>;

/** An OpenAPI 3.1 document, as plain JSON. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components: Record<string, Record<string, unknown>>;
}

const PATH_PARAMETER = /[:*](\w+)/g;

/** `/object/:bucket/*key` → `/object/{bucket}/{key}`. */
export function openApiPath(expressPath: string): string {
  if (/[{}?()]/.test(expressPath)) {
    throw new Error(`${expressPath}: optional or pattern segments have no OpenAPI form; register each path`);
  }
  return expressPath.replace(PATH_PARAMETER, '{$1}');
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
};

function parameters(spec: RouteSpec): unknown[] {
  const path = [...spec.path.matchAll(PATH_PARAMETER)].map(([segment, name]) => ({
    name,
    in: 'path',
    required: true,
    description:
      spec.params?.[name as string] ??
      (segment.startsWith('*') ? 'The rest of the path: an object key, `/` included' : undefined),
    schema: { type: 'string' },
  }));
  const fromObject = (where: 'query' | 'header', schema: z.ZodObject | undefined) => {
    if (!schema) return [];
    const { properties = {}, required = [] } = jsonSchema(schema, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    return Object.entries(properties).map(([name, property]) => ({
      name,
      in: where,
      required: required.includes(name),
      ...(typeof property.description === 'string' && { description: property.description }),
      schema: property,
    }));
  };
  return [...path, ...fromObject('query', spec.query), ...fromObject('header', spec.headers)];
}

const BINARY = { type: 'string', contentMediaType: 'application/octet-stream' };

function requestBody(spec: RouteSpec): unknown {
  if (spec.body) {
    return { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } };
  }
  if (spec.stream) {
    const content = Object.fromEntries(
      spec.stream.contentTypes.map((type) => [
        type,
        {
          schema:
            type === 'multipart/form-data'
              ? { type: 'object', properties: { file: BINARY }, required: ['file'] }
              : BINARY,
        },
      ]),
    );
    return { required: true, description: spec.stream.description, content };
  }
  return undefined;
}

function response({ description, body, contentType }: ResponseSpec): unknown {
  if (body) return { description, content: { 'application/json': { schema: jsonSchema(body, 'output') } } };
  if (contentType) return { description, content: { [contentType]: { schema: BINARY } } };
  return { description };
}

function operation(spec: RouteSpec): unknown {
  const params = parameters(spec);
  const body = requestBody(spec);
  return {
    summary: spec.summary,
    ...(spec.description && { description: spec.description }),
    tags: spec.tags,
    ...(params.length > 0 && { parameters: params }),
    ...(body !== undefined && { requestBody: body }),
    ...(spec.auth === 'bearer' && { security: [{ bearer: [] }, { apikey: [] }] }),
    responses: {
      ...Object.fromEntries(Object.entries(spec.responses).map(([status, r]) => [status, response(r)])),
      '4XX': { $ref: '#/components/responses/Error' },
      '5XX': { $ref: '#/components/responses/Error' },
    },
  };
}

/** The OpenAPI 3.1 document of the given routes, generated from the schemas that validate them. */
export function openApiDocument(routes: readonly RouteSpec[], version: string): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    const path = openApiPath(spec.path);
    paths[path] ??= {};
    if (paths[path][spec.method])
      throw new Error(`${spec.method.toUpperCase()} ${spec.path} is registered twice`);
    paths[path][spec.method] = operation(spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Stowage',
      version,
      description:
        'The Supabase-Storage-compatible REST API. Errors answer with the error envelope; its `statusCode` ' +
        'is the semantic status, while most client errors travel as HTTP 400.',
    },
    paths,
    components: {
      schemas: { ErrorEnvelope: jsonSchema(errorEnvelopeSchema, 'output') },
      responses: {
        Error: {
          description: 'The error envelope',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
        },
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apikey: { type: 'apiKey', in: 'header', name: 'apikey' },
      },
    },
  };
}
