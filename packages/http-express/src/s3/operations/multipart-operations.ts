import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  errors,
  listMultipartUploads,
  listParts,
  type MultipartContext,
  uploadPart,
  uploadPartCopy,
} from '@stowage/core';
import type { Request, RequestHandler, Response } from 'express';
import { objectPath } from '../../object-path';
import { requestScope } from '../../request-scope';
import { copySourceCheck } from '../conditional-request';
import { hasControlCharacters, keyArgument } from '../key-argument';
import { discardPayload, payloadLength, requestPayload } from '../payload/request-payload';
import { s3QueryOf } from '../s3-authenticate';
import { s3Errors } from '../s3-error';
import { userMetadataOf } from '../s3-metadata';
import { bucketOf } from '../s3-path';
import { readXmlBody, sendXml } from '../s3-xml';
import { copySourceOf } from './copy-object';

const OWNER = { ID: 'stowage', DisplayName: 'stowage' };

/** The upload a request names; an id no upload can have is NoSuchUpload without asking the store. */
function target(req: Request, res: Response) {
  const uploadId = s3QueryOf(res).get('uploadId') ?? '';
  if (hasControlCharacters(uploadId))
    throw errors.noSuchUpload('The specified multipart upload does not exist');
  return { ...objectPath(req), uploadId };
}

/** Aborts when the client goes away before its answer is sent, so a wait for the upload's lock ends. */
function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(s3Errors.incompleteBody('The client went away'));
  });
  return controller.signal;
}

const integer = (value: string | null, fallback: number, name: string) => {
  if (value === null || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw s3Errors.invalidArgument(`${name} must be a non-negative integer`);
  return number;
};

/** CreateMultipartUpload: asks the policies, starts the blob store's upload, remembers it. */
export const createMultipartUploadOperation =
  (context: MultipartContext): RequestHandler =>
  async (req, res) => {
    const { bucketId, key } = objectPath(req);
    await discardPayload(req, res);
    const upload = await createMultipartUpload(context, requestScope(req, res, 's3.CreateMultipartUpload'), {
      bucketId,
      key,
      contentType: req.get('content-type') || 'application/octet-stream',
      cacheControl: req.get('cache-control') || 'no-cache',
      userMetadata: userMetadataOf(req),
    });
    sendXml(res, 'InitiateMultipartUploadResult', { Bucket: bucketId, Key: key, UploadId: upload.id });
  };

const COPY_RANGE = /^bytes=(\d+)-(\d+)$/;

/** UploadPart, or UploadPartCopy when `x-amz-copy-source` names an object to copy (a range of). */
export const uploadPartOperation =
  (context: MultipartContext): RequestHandler =>
  async (req, res) => {
    const partNumber = integer(s3QueryOf(res).get('partNumber'), 0, 'partNumber');
    if (req.get('x-amz-copy-source')) {
      const range = req.get('x-amz-copy-source-range');
      const match = range === undefined ? undefined : COPY_RANGE.exec(range);
      if (range !== undefined && !match)
        throw s3Errors.invalidArgument(
          'The x-amz-copy-source-range value must be of the form bytes=first-last',
        );
      await discardPayload(req, res);
      const part = await uploadPartCopy(context, requestScope(req, res, 's3.UploadPartCopy'), {
        ...target(req, res),
        partNumber,
        source: copySourceOf(req),
        assertSource: copySourceCheck(req),
        ...(match && { range: { start: Number(match[1]), end: Number(match[2]) } }),
      });
      sendXml(res, 'CopyPartResult', {
        ETag: `"${part.etag}"`,
        LastModified: part.lastModified.toISOString(),
      });
      return;
    }
    const length = payloadLength(req);
    const part = await uploadPart(context, requestScope(req, res, 's3.UploadPart'), {
      ...target(req, res),
      partNumber,
      body: requestPayload(req, res),
      ...(length !== undefined && { contentLength: length }),
    });
    res.status(200).set('etag', `"${part.etag}"`).end();
  };

/** CompleteMultipartUpload: the parts named in the XML body, assembled into the object. */
export const completeMultipartUploadOperation =
  (context: MultipartContext): RequestHandler =>
  async (req, res) => {
    const xml = await readXmlBody(requestPayload(req, res), ['Part']);
    const request = xml.CompleteMultipartUpload as
      | { Part?: Array<{ PartNumber?: unknown; ETag?: unknown }> }
      | undefined;
    const parts = (request?.Part ?? []).map((part) => ({
      partNumber: Number(part.PartNumber),
      etag: String(part.ETag ?? ''),
    }));
    if (!request || parts.some((part) => !Number.isInteger(part.partNumber))) throw s3Errors.malformedXml();
    const { bucketId, key, uploadId } = target(req, res);
    const object = await completeMultipartUpload(
      context,
      requestScope(req, res, 's3.CompleteMultipartUpload'),
      {
        bucketId,
        key,
        uploadId,
        parts,
        signal: clientGone(res),
      },
    );
    sendXml(res, 'CompleteMultipartUploadResult', {
      Location: `${req.baseUrl}/${bucketId}/${key}`,
      Bucket: bucketId,
      Key: key,
      ETag: object.metadata?.eTag ?? '',
    });
  };

/** AbortMultipartUpload: the upload and its parts are gone; 204. */
export const abortMultipartUploadOperation =
  (context: MultipartContext): RequestHandler =>
  async (req, res) => {
    await abortMultipartUpload(context, requestScope(req, res, 's3.AbortMultipartUpload'), {
      ...target(req, res),
      signal: clientGone(res),
    });
    res.status(204).end();
  };

/** ListParts: the parts stored so far, paged by part number. */
export const listPartsOperation =
  (context: MultipartContext): RequestHandler =>
  async (req, res) => {
    const query = s3QueryOf(res);
    const maxParts = Math.min(integer(query.get('max-parts'), 1000, 'max-parts'), 1000);
    const marker = integer(query.get('part-number-marker'), 0, 'part-number-marker');
    const { bucketId, key, uploadId } = target(req, res);
    const { parts } = await listParts(context, requestScope(req, res, 's3.ListParts'), {
      bucketId,
      key,
      uploadId,
      afterPartNumber: marker,
      limit: maxParts,
    });
    const page = parts.slice(0, maxParts);
    sendXml(res, 'ListPartsResult', {
      Bucket: bucketId,
      Key: key,
      UploadId: uploadId,
      Initiator: OWNER,
      Owner: OWNER,
      StorageClass: 'STANDARD',
      PartNumberMarker: marker,
      NextPartNumberMarker: page.at(-1)?.partNumber ?? marker,
      MaxParts: maxParts,
      IsTruncated: parts.length > maxParts,
      Part: page.map((part) => ({
        PartNumber: part.partNumber,
        LastModified: part.lastModified.toISOString(),
        ETag: `"${part.etag}"`,
        Size: part.size,
      })),
    });
  };

/** ListMultipartUploads: unfinished uploads of the bucket (the caller's own, for a user), by key. */
export const listMultipartUploadsOperation =
  (context: MultipartContext): RequestHandler =>
  async (req, res) => {
    const query = s3QueryOf(res);
    const bucketId = bucketOf(req);
    const maxUploads = Math.min(integer(query.get('max-uploads'), 1000, 'max-uploads'), 1000);
    const prefix = keyArgument(query.get('prefix') ?? '', 'prefix');
    const keyMarker = keyArgument(query.get('key-marker') ?? '', 'key-marker') || undefined;
    const uploadIdMarker = keyArgument(query.get('upload-id-marker') ?? '', 'upload-id-marker') || undefined;
    const uploads = await listMultipartUploads(context, requestScope(req, res, 's3.ListMultipartUploads'), {
      bucketId,
      prefix,
      limit: maxUploads,
      ...(keyMarker !== undefined && { keyMarker }),
      ...(keyMarker !== undefined && uploadIdMarker !== undefined && { uploadIdMarker }),
    });
    const page = uploads.slice(0, maxUploads);
    const last = page.at(-1);
    sendXml(res, 'ListMultipartUploadsResult', {
      Bucket: bucketId,
      KeyMarker: keyMarker ?? '',
      UploadIdMarker: uploadIdMarker ?? '',
      ...(uploads.length > maxUploads && last && { NextKeyMarker: last.key, NextUploadIdMarker: last.id }),
      Prefix: prefix,
      MaxUploads: maxUploads,
      IsTruncated: uploads.length > maxUploads,
      Upload: page.map((upload) => ({
        Key: upload.key,
        UploadId: upload.id,
        Initiator: OWNER,
        Owner: OWNER,
        StorageClass: 'STANDARD',
        Initiated: upload.createdAt.toISOString(),
      })),
    });
  };
