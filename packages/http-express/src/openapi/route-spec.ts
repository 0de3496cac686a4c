import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';

/** One response of a route as the document shows it. */
export interface ResponseSpec {
  readonly description: string;
  /** A JSON body. */
  readonly body?: z.ZodType;
  /** A body that is not JSON (bytes, text, HTML), by media type. */
  readonly contentType?: string;
}

/**
 * A route and everything it reads, in one place: the router validates the request with these schemas
 * before the handler runs, and the OpenAPI document is generated from them.
 */
export interface RouteSpec {
  readonly method: HttpMethod;
  /** An express path: `:name` is one segment, `*name` the rest of the path (an object key, `/` included). */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** `bearer`: the caller's JWT (`Authorization: Bearer`, or `apikey`) is verified before the handler. */
  readonly auth: 'bearer' | 'none';
  /** Descriptions of the path's parameters, by name. */
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: z.ZodObject;
  readonly headers?: z.ZodObject;
  /** A JSON body, parsed and validated before the handler runs. */
  readonly body?: z.ZodType;
  /** A body the handler streams itself, never parsed by the router, by media type. */
  readonly stream?: { readonly contentTypes: readonly string[]; readonly description: string };
  /** The successful responses; the error envelope is added to every route. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What the router hands a route's handler: the request's parts, parsed by the route's schemas. */
export interface RouteInput<S extends RouteSpec> {
  readonly query: Parsed<S['query']>;
  readonly headers: Parsed<S['headers']>;
  readonly body: Parsed<S['body']>;
}
