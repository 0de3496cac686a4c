import { parseFileSize } from '@stowage/core';
import { z } from 'zod';

const DEVELOPMENT_SECRET = 'stowage-development-secret-change-me-0123456789';

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const size = z.string().transform((value, ctx) => {
  try {
    return parseFileSize(/^\d+$/.test(value) ? Number(value) : value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a size: ${value}` });
    return z.NEVER;
  }
});

const byteCount = size.pipe(z.number().int().min(1));

/** The environment, under the reference server's names so Stowage can replace it in place. */
export const environmentSchema = z.object({
  SERVER_HOST: z.string().default('0.0.0.0'),
  SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(5000),
  STOWAGE_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).default(10),
  DB_INSTALL_ROLES: flag.default(true),
  AUTH_JWT_SECRET: z.string().min(32, 'AUTH_JWT_SECRET must be at least 32 characters').optional(),
  AUTH_JWT_ALGORITHM: z.string().default('HS256'),
  AUTH_JWKS_URL: z.string().url().optional(),
  ANON_KEY: z.string().optional(),
  SERVICE_KEY: z.string().optional(),
  STORAGE_BACKEND: z.enum(['file', 's3']).default('file'),
  FILE_STORAGE_BACKEND_PATH: z.string().optional(),
  STORAGE_S3_BUCKET: z.string().optional(),
  STORAGE_S3_ENDPOINT: z.string().url().optional(),
  STORAGE_S3_REGION: z.string().default('us-east-1'),
  STORAGE_S3_FORCE_PATH_STYLE: flag.default(true),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  TENANT_ID: z.string().default('stub'),
  UPLOAD_FILE_SIZE_LIMIT: size.default(52_428_800),
  UPLOAD_SIGNED_URL_EXPIRATION_TIME: z.coerce.number().int().min(1).default(7200),
  TUS_URL_EXPIRY_MS: z.coerce.number().int().min(1000).default(3_600_000),
  REQUEST_ALLOW_X_FORWARDED_PATH: flag.default(false),
  S3_PROTOCOL_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_PROTOCOL_ACCESS_KEY_SECRET: z.string().min(1).optional(),
  IMAGE_TRANSFORMATION_ENABLED: flag.optional(),
  ENABLE_IMAGE_TRANSFORMATION: flag.optional(),
  IMAGE_TRANSFORMATION_LIMIT_MIN_SIZE: z.coerce.number().int().min(1).default(1),
  IMAGE_TRANSFORMATION_LIMIT_MAX_SIZE: z.coerce.number().int().min(1).default(2000),
  IMAGE_TRANSFORMATION_MAX_SOURCE_SIZE: byteCount.default(25_000_000),
  IMAGE_TRANSFORMATION_MAX_PIXELS: z.coerce.number().int().min(1).default(40_000_000),
  IMAGE_TRANSFORMATION_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_ENABLED: flag.default(true),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  HEALTH_CHECK_TIMEOUT_MS: z.coerce.number().int().min(1).default(2000),
  SHUTDOWN_GRACE_PERIOD_MS: z.coerce.number().int().min(0).default(30_000),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface Config extends Environment {
  /** Whether AUTH_JWT_SECRET was left unset and the development secret is in use. */
  readonly developmentSecret: boolean;
  readonly jwtSecret: string;
  /** `IMAGE_TRANSFORMATION_ENABLED`, or the older `ENABLE_IMAGE_TRANSFORMATION`; on unless turned off. */
  readonly imageTransformationEnabled: boolean;
}

/** Parses the environment once at start-up; a bad value stops the server with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const config = parsed.data;
  if (config.STORAGE_BACKEND === 's3') {
    const missing = (
      ['STORAGE_S3_BUCKET', 'STORAGE_S3_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const
    ).filter((name) => !config[name]);
    if (missing.length > 0)
      throw new Error(`Invalid configuration: STORAGE_BACKEND=s3 needs ${missing.join(', ')}`);
  }
  if (
    (config.S3_PROTOCOL_ACCESS_KEY_ID === undefined) !==
    (config.S3_PROTOCOL_ACCESS_KEY_SECRET === undefined)
  ) {
    throw new Error(
      'Invalid configuration: set both S3_PROTOCOL_ACCESS_KEY_ID and S3_PROTOCOL_ACCESS_KEY_SECRET',
    );
  }
  if (config.IMAGE_TRANSFORMATION_LIMIT_MIN_SIZE > config.IMAGE_TRANSFORMATION_LIMIT_MAX_SIZE) {
    throw new Error('Invalid configuration: IMAGE_TRANSFORMATION_LIMIT_MIN_SIZE is above _MAX_SIZE');
  }
  return {
    ...config,
    developmentSecret: config.AUTH_JWT_SECRET === undefined,
    jwtSecret: config.AUTH_JWT_SECRET ?? DEVELOPMENT_SECRET,
    imageTransformationEnabled:
      config.IMAGE_TRANSFORMATION_ENABLED ?? config.ENABLE_IMAGE_TRANSFORMATION ?? true,
  };
}
