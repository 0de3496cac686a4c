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
