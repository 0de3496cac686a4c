import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { settleWith } from '../in-flight-requests';
import { setRouteTemplate } from '../route-template';
import type { RouteInput, RouteSpec } from './route-spec';

export type RouteHandler<S extends RouteSpec> = (
  input: RouteInput<S>,
  req: Request,
  res: Response,
) => Promise<void> | void;

/**
 * An express router whose routes cannot exist without their schema: `route()` registers the handler
 * behind authentication, JSON parsing and validation derived from the spec, and keeps the spec for the
 * OpenAPI document.
 */
export class ApiRouter {
  readonly router: Router = Router();
  readonly routes: RouteSpec[] = [];

  /** `authenticate` runs before the handlers of routes with `auth: 'bearer'`. */
  constructor(private readonly authenticate: RequestHandler) {}

  route<const S extends RouteSpec>(spec: S, handler: RouteHandler<S>): this {
    this.routes.push(spec);
    const stack: RequestHandler[] = [
      (_req, res, next) => {
        setRouteTemplate(res, spec.path);
        next();
      },
    ];
    if (spec.auth === 'bearer') stack.push(this.authenticate);
    if (spec.body) stack.push(express.json());
    stack.push((req, res) => {
      const input = {
        query: spec.query?.parse(req.query),
        headers: spec.headers?.parse(req.headers),
        body: spec.body?.parse(req.body ?? {}),
      } as RouteInput<S>;
      return settleWith(res, Promise.resolve(handler(input, req, res)));
    });
    this.router[spec.method](spec.path, ...stack);
    return this;
  }
}
