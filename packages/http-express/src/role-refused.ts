/**
 * The cause of an AccessDenied for a verified token whose role is not anon, authenticated or service_role.
 * The error envelope answers it with HTTP 403 rather than the usual 400.
 */
export class RoleRefused extends Error {
  constructor(readonly role: unknown) {
    super(`role ${JSON.stringify(role)} is not allowed`);
    this.name = 'RoleRefused';
  }
}
