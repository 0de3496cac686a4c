import { createBucket, deleteBucket, getBucket, listBuckets, type StorageContext } from '@stowage/core';
import type { RequestHandler } from 'express';
import { requestScope } from '../../request-scope';
import { discardPayload } from '../payload/request-payload';
import { bucketOf } from '../s3-path';
import { sendXml } from '../s3-xml';

const OWNER = { ID: 'stowage', DisplayName: 'stowage' };

/** ListBuckets: the buckets the caller's policies let it see. */
export const listBucketsOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const buckets = await listBuckets(context, requestScope(req, res, 's3.ListBuckets'), {});
    sendXml(res, 'ListAllMyBucketsResult', {
      Owner: OWNER,
      Buckets: {
        Bucket: buckets.map((bucket) => ({ Name: bucket.id, CreationDate: bucket.createdAt.toISOString() })),
      },
    });
  };

/** CreateBucket: a private bucket named as the path says; a location constraint in the body is ignored. */
export const createBucketOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const bucket = bucketOf(req);
    await discardPayload(req, res);
    await createBucket(context, requestScope(req, res, 's3.CreateBucket'), {
      name: bucket,
      public: req.get('x-amz-acl') === 'public-read',
    });
    res.status(200).set('location', `/${bucket}`).end();
  };

/** HeadBucket: 200 when the caller may see the bucket, NoSuchBucket otherwise. */
export const headBucketOperation =
  (context: StorageContext, region: string): RequestHandler =>
  async (req, res) => {
    await getBucket(context, requestScope(req, res, 's3.HeadBucket'), bucketOf(req));
    res.status(200).set('x-amz-bucket-region', region).end();
  };

/** DeleteBucket: only an empty bucket (BucketNotEmpty otherwise). */
export const deleteBucketOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    await deleteBucket(context, requestScope(req, res, 's3.DeleteBucket'), bucketOf(req));
    res.status(204).end();
  };

/** GetBucketLocation: the one region of this server (empty for us-east-1, as S3 answers). */
export const getBucketLocationOperation =
  (context: StorageContext, region: string): RequestHandler =>
  async (req, res) => {
    await getBucket(context, requestScope(req, res, 's3.GetBucketLocation'), bucketOf(req));
    sendXml(res, 'LocationConstraint', region === 'us-east-1' ? {} : { '#text': region });
  };

/** GetBucketVersioning: versioning is never enabled, so the configuration is empty. */
export const getBucketVersioningOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    await getBucket(context, requestScope(req, res, 's3.GetBucketVersioning'), bucketOf(req));
    sendXml(res, 'VersioningConfiguration', {});
  };
