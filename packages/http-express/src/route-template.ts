import type { Request, Response } from 'express';

const TEMPLATE = 'routeTemplate';

/** Records the route a request matched, as registered (`/object/:bucket/*key`), for logs and metrics. */
export function setRouteTemplate(res: Response, template: string): void {
  res.locals[TEMPLATE] = template;
}

/**
 * The route template of a request, never its raw path: the one set by the router, else the template of the
 * express route that matched, else `unmatched`.
 */
export function routeTemplate(req: Request, res: Response): string {
  const recorded = res.locals[TEMPLATE] as string | undefined;
  if (recorded) return recorded;
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
}
