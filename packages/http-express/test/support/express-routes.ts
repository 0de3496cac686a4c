import type express from 'express';

/** One method of one route as express will dispatch it. */
export interface ExpressRoute {
  readonly method: string;
  readonly path: string;
}

interface Layer {
  readonly rawPath?: unknown;
  readonly route?: { readonly path: string; readonly methods: Record<string, boolean> };
  readonly handle: { readonly stack?: readonly Layer[] };
}

const mountPath = (layer: Layer) =>
  typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';

/**
 * Every route registered on the app, walking the routers it mounts (express 5 keeps each layer's path in
 * `rawPath`). `skip` leaves out whole mounted routers, by mount path.
 */
export function expressRoutes(app: express.Express, skip: (mountPath: string) => boolean): ExpressRoute[] {
  const routes: ExpressRoute[] = [];
  const walk = (stack: readonly Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on)
            routes.push({ method: method === '_all' ? 'all' : method, path: `${prefix}${layer.route.path}` });
        }
      } else if (layer.handle.stack) {
        const path = `${prefix}${mountPath(layer)}`;
        if (!skip(path)) walk(layer.handle.stack, path);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return routes;
}
