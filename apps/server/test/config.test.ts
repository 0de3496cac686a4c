import { loadConfig } from '../src/config';

describe('configuration', () => {
  it('runs embedded with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      SERVER_PORT: 5000,
      STORAGE_BACKEND: 'file',
      STOWAGE_DATA_DIR: './data',
      UPLOAD_FILE_SIZE_LIMIT: 52_428_800,
      UPLOAD_SIGNED_URL_EXPIRATION_TIME: 7200,
      DB_INSTALL_ROLES: true,
      developmentSecret: true,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('reads the reference server names', () => {
    const config = loadConfig({
      SERVER_PORT: '8080',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      AUTH_JWT_SECRET: 'x'.repeat(40),
      UPLOAD_FILE_SIZE_LIMIT: '5MB',
      DB_INSTALL_ROLES: 'false',
    });
    expect(config).toMatchObject({
      SERVER_PORT: 8080,
      UPLOAD_FILE_SIZE_LIMIT: 5_000_000,
      DB_INSTALL_ROLES: false,
      developmentSecret: false,
      jwtSecret: 'x'.repeat(40),
    });
  });

  it('takes the S3 endpoint key pair whole or not at all', () => {
    const pair = { S3_PROTOCOL_ACCESS_KEY_ID: 'id', S3_PROTOCOL_ACCESS_KEY_SECRET: 'secret' };
    expect(loadConfig(pair)).toMatchObject(pair);
    expect(() => loadConfig({ S3_PROTOCOL_ACCESS_KEY_ID: 'id' })).toThrow(/S3_PROTOCOL_ACCESS_KEY_SECRET/);
  });

  it('turns image transformation on by default, within limits, and off under either name', () => {
    expect(loadConfig({})).toMatchObject({
      imageTransformationEnabled: true,
      IMAGE_TRANSFORMATION_LIMIT_MIN_SIZE: 1,
      IMAGE_TRANSFORMATION_LIMIT_MAX_SIZE: 2000,
      IMAGE_TRANSFORMATION_MAX_SOURCE_SIZE: 25_000_000,
      IMAGE_TRANSFORMATION_MAX_PIXELS: 40_000_000,
      IMAGE_TRANSFORMATION_CONCURRENCY: 2,
    });
    expect(loadConfig({ IMAGE_TRANSFORMATION_ENABLED: 'false' }).imageTransformationEnabled).toBe(false);
    expect(loadConfig({ ENABLE_IMAGE_TRANSFORMATION: 'false' }).imageTransformationEnabled).toBe(false);
    expect(
      loadConfig({ IMAGE_TRANSFORMATION_MAX_SOURCE_SIZE: '5MB' }).IMAGE_TRANSFORMATION_MAX_SOURCE_SIZE,
    ).toBe(5_000_000);
    expect(() =>
      loadConfig({ IMAGE_TRANSFORMATION_LIMIT_MIN_SIZE: '300', IMAGE_TRANSFORMATION_LIMIT_MAX_SIZE: '200' }),
    ).toThrow(/IMAGE_TRANSFORMATION_LIMIT_MIN_SIZE/);
  });

  it('lists every bad value in one clear message', () => {
    expect(() =>
      loadConfig({ SERVER_PORT: 'abc', STORAGE_BACKEND: 'ftp', AUTH_JWT_SECRET: 'short' }),
    ).toThrow(
      /SERVER_PORT[\s\S]*AUTH_JWT_SECRET: AUTH_JWT_SECRET must be at least 32 characters[\s\S]*STORAGE_BACKEND/,
    );
  });

  it('names what the S3 backend is missing', () => {
    expect(() => loadConfig({ STORAGE_BACKEND: 's3', STORAGE_S3_BUCKET: 'b' })).toThrow(
      'STORAGE_BACKEND=s3 needs STORAGE_S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY',
    );
  });
});
