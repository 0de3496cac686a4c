/** How long a verified token is trusted without checking its signature again, whatever its `exp`. */
const MAX_TRUST_MS = 5 * 60_000;

/**
 * What tokens whose signature has been verified said, kept until they expire, since verifying a signature
 * costs more than the rest of a small download. Keyed by the whole token, signature included, so only the
 * very same bytes are answered from here; never trusted past the token's `exp`, nor for more than five
 * minutes (a JWKS key may be withdrawn). Bounded: the oldest entry makes room for a new one.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, { readonly value: T; readonly until: number }>();

  constructor(private readonly capacity = 10_000) {}

  get(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.value;
    this.entries.delete(token);
    return undefined;
  }

  /** Remembers a verified token; `exp` is its claim, in seconds since the epoch. */
  set(token: string, value: T, exp: unknown): void {
    const now = Date.now();
    const until = Math.min(
      now + MAX_TRUST_MS,
      typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY,
    );
    if (until <= now) return;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { value, until });
  }
}
