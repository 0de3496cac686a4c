import { s3Errors } from '../s3-error';

/** One condition of a POST policy; field names are lower-cased, as form fields match case-insensitively. */
export type PolicyCondition =
  | { readonly kind: 'eq' | 'starts-with'; readonly field: string; readonly value: string }
  | { readonly kind: 'content-length-range'; readonly min: number; readonly max: number };

/** The decoded `policy` field of a browser upload form. */
export interface PostPolicy {
  readonly expiration: Date;
  readonly conditions: readonly PolicyCondition[];
}

/** The bounds of the file's size, from the policy's content-length-range conditions. */
export interface LengthRange {
  readonly min: number;
  readonly max: number;
}

/** Fields that sign or carry the upload, which no condition needs to name (S3's rule). */
const UNCONDITIONED = new Set(['x-amz-signature', 'file', 'policy']);

const invalid = (message: string) => s3Errors.invalidPolicyDocument(`Invalid Policy: ${message}`);

const byteCount = (value: unknown): number => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    throw invalid('content-length-range bounds must be non-negative integers');
  }
  return number;
};

function parseCondition(condition: unknown): PolicyCondition {
  if (Array.isArray(condition)) {
    const [operator, first, second] = condition as unknown[];
    const kind = String(operator).toLowerCase();
    if (condition.length === 3 && kind === 'content-length-range') {
      const range = { kind, min: byteCount(first), max: byteCount(second) } as const;
      if (range.min > range.max) throw invalid('content-length-range minimum exceeds its maximum');
      return range;
    }
    if (
      condition.length === 3 &&
      (kind === 'eq' || kind === 'starts-with') &&
      typeof first === 'string' &&
      first.startsWith('$') &&
      typeof second === 'string'
    ) {
      return { kind, field: first.slice(1).toLowerCase(), value: second };
    }
    throw invalid(`Invalid condition ${JSON.stringify(condition)}`);
  }
  if (typeof condition === 'object' && condition !== null) {
    const entries = Object.entries(condition);
    const [field, value] = entries[0] ?? [];
    if (entries.length === 1 && field !== undefined && typeof value === 'string') {
      return { kind: 'eq', field: field.toLowerCase(), value };
    }
  }
  throw invalid(`Invalid condition ${JSON.stringify(condition)}`);
}

/** Decodes a base64 policy document: `expiration` (ISO 8601) and `conditions`; anything else is invalid. */
export function parsePostPolicy(base64: string): PostPolicy {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalid('the policy is not base64-encoded JSON');
  }
  const { expiration, conditions } = (document ?? {}) as { expiration?: unknown; conditions?: unknown };
  const expires = typeof expiration === 'string' ? new Date(expiration) : undefined;
  if (!expires || Number.isNaN(expires.getTime())) throw invalid('expiration must be an ISO 8601 date');
  if (!Array.isArray(conditions)) throw invalid('conditions must be a list');
  return { expiration: expires, conditions: conditions.map(parseCondition) };
}

const refused = (message: string) => s3Errors.accessDenied(`Invalid according to Policy: ${message}`);

/**
 * Checks a form against its policy as S3 does: the policy has not expired, every condition holds for the
 * field's value (`values`: lower-cased names, the bucket and the key as they will be stored), and every
 * submitted field but the signature, the policy, the file and `x-ignore-*` is named by a condition.
 * Resolves with the size bounds the file must then keep to.
 */
export function checkPostPolicy(
  policy: PostPolicy,
  values: ReadonlyMap<string, string>,
  submitted: Iterable<string>,
  now: Date,
): LengthRange {
  if (policy.expiration.getTime() <= now.getTime()) throw refused('Policy expired.');
  const range = { min: 0, max: Number.MAX_SAFE_INTEGER };
  const named = new Set<string>();
  for (const condition of policy.conditions) {
    if (condition.kind === 'content-length-range') {
      range.min = Math.max(range.min, condition.min);
      range.max = Math.min(range.max, condition.max);
      continue;
    }
    named.add(condition.field);
    const value = values.get(condition.field);
    const holds =
      value !== undefined &&
      (condition.kind === 'eq' ? value === condition.value : value.startsWith(condition.value));
    if (!holds) {
      throw refused(
        `Policy Condition failed: ${JSON.stringify([condition.kind, `$${condition.field}`, condition.value])}`,
      );
    }
  }
  const extra = [...submitted].filter(
    (name) => !UNCONDITIONED.has(name) && !name.startsWith('x-ignore-') && !named.has(name),
  );
  if (extra.length > 0) throw refused(`Extra input fields: ${extra.join(', ')}`);
  return range;
}
