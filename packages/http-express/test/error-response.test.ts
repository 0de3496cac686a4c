import { errors } from '@stowage/core';
import { z } from 'zod';
import { errorResponse } from '../src';

describe('error response', () => {
  it.each([
    [errors.noSuchKey(), 400, '404', 'not_found'],
    [errors.keyAlreadyExists(), 400, '409', 'Duplicate'],
    [errors.entityTooLarge(), 400, '413', 'Payload too large'],
    [errors.invalidMimeType('application/zip'), 400, '415', 'invalid_mime_type'],
    [errors.invalidRange(), 416, '416', 'InvalidRange'],
    [errors.databaseTimeout(), 429, '429', 'too_many_connections'],
    [errors.backendUnavailable('S3 is down'), 503, '503', 'Service Unavailable'],
  ])('answers %s with HTTP %d and body %s', (error, httpStatus, statusCode, name) => {
    const response = errorResponse(error);
    expect(response.httpStatus).toBe(httpStatus);
    expect(response.body).toEqual({ statusCode, error: name, message: error.message, code: error.code });
  });

  it('answers a validation failure as an InvalidRequest naming the field', () => {
    const result = z.object({ name: z.string() }).safeParse({ name: 1 });
    const { body } = errorResponse(result.error);
    expect(body).toMatchObject({ statusCode: '400', code: 'InvalidRequest' });
    expect(body.message).toMatch(/^name: /);
  });

  it('answers an unknown error with 500 and no details', () => {
    const response = errorResponse(new Error('secret connection string in a stack'));
    expect(response).toEqual({
      httpStatus: 500,
      body: {
        statusCode: '500',
        error: 'Internal Server Error',
        message: 'Internal Server Error',
        code: 'InternalError',
      },
    });
  });
});
