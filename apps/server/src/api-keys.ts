import type { Role } from '@stowage/core';
import { SignJWT } from 'jose';
import type { Config } from './config';

const TEN_YEARS = 10 * 365 * 24 * 3600;

const sign = (secret: string, role: Role): Promise<string> =>
  new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('stowage')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + TEN_YEARS)
    .sign(new TextEncoder().encode(secret));

/** The anon and service_role keys to print at start-up: the configured ones, or fresh ones over the secret. */
export async function apiKeys(config: Config): Promise<{ anonKey: string; serviceKey: string }> {
  return {
    anonKey: config.ANON_KEY ?? (await sign(config.jwtSecret, 'anon')),
    serviceKey: config.SERVICE_KEY ?? (await sign(config.jwtSecret, 'service_role')),
  };
}
