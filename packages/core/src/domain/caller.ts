/** The three Postgres roles a request may run as. Any other role claim is refused, never assumed. */
export const ROLES = ['anon', 'authenticated', 'service_role'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);

export type JwtClaims = Record<string, unknown> & { role: Role; sub?: string; exp?: number; iat?: number };

/** Who is asking: a verified identity. `token` is the raw JWT, exposed to policies as `request.jwt`. */
export interface Caller {
  readonly role: Role;
  readonly claims: JwtClaims;
  readonly token?: string;
}

/** What a request looks like to the database session (`request.headers`, `request.method`, …). */
export interface RequestInfo {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The identity a unit of work runs under: the caller, the operation (`storage.operation`, e.g.
 * `object.upload`) and, when there is one, the HTTP request.
 */
export interface Scope {
  readonly caller: Caller;
  readonly operation: string;
  readonly request?: RequestInfo;
}

export const anonymous = (): Caller => ({ role: 'anon', claims: { role: 'anon' } });

/** The service's own identity, for the reads the contract performs regardless of policies. */
export const systemScope = (operation: string, request?: RequestInfo): Scope => ({
  caller: { role: 'service_role', claims: { role: 'service_role' } },
  operation,
  request,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Owner columns of what a caller creates: `owner` takes a uuid `sub`, `owner_id` any `sub`. */
export function ownerFromSub(sub: unknown): { owner: string | null; ownerId: string | null } {
  const id = typeof sub === 'string' && sub !== '' ? sub : null;
  return { owner: id && UUID.test(id) ? id : null, ownerId: id };
}

export const ownerOf = (caller: Caller) => ownerFromSub(caller.claims.sub);
