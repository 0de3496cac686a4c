import type { StoredObject } from '@stowage/core';
import { listedObjectJson, objectRowJson } from '../src/object-json';

const object = (createdAt: string, updatedAt: string, lastAccessedAt: string): StoredObject => ({
  id: crypto.randomUUID(),
  bucketId: 'b',
  name: 'a.txt',
  owner: null,
  ownerId: null,
  version: 'v',
  metadata: null,
  userMetadata: null,
  createdAt: new Date(createdAt),
  updatedAt: new Date(updatedAt),
  lastAccessedAt: new Date(lastAccessedAt),
});

describe('object JSON', () => {
  it('writes each timestamp of a row, equal or not, in ISO form', () => {
    const replaced = object(
      '2026-01-01T00:00:00.001Z',
      '2026-02-03T04:05:06.789Z',
      '2026-02-03T04:05:06.789Z',
    );
    const fresh = object('2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z');
    expect(objectRowJson(replaced)).toMatchObject({
      created_at: '2026-01-01T00:00:00.001Z',
      updated_at: '2026-02-03T04:05:06.789Z',
      last_accessed_at: '2026-02-03T04:05:06.789Z',
    });
    expect(listedObjectJson('a.txt', fresh)).toMatchObject({
      created_at: '2026-03-01T10:00:00.000Z',
      updated_at: '2026-03-01T10:00:00.000Z',
      last_accessed_at: '2026-03-01T10:00:00.000Z',
    });
    expect(listedObjectJson('a.txt', replaced)).toMatchObject({
      created_at: '2026-01-01T00:00:00.001Z',
      updated_at: '2026-02-03T04:05:06.789Z',
    });
  });

  it('refuses an invalid date as toISOString does', () => {
    expect(() => objectRowJson(object('not a date', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'))).toThrow(
      RangeError,
    );
  });
});
