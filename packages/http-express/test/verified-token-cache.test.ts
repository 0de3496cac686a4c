import { VerifiedTokenCache } from '../src/verified-token-cache';

const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

describe('VerifiedTokenCache', () => {
  it('remembers a token until its exp', () => {
    const cache = new VerifiedTokenCache<string>();
    cache.set('live', 'caller', inSeconds(60));
    expect(cache.get('live')).toBe('caller');
    expect(cache.get('other')).toBeUndefined();
  });

  it('never keeps a token that has expired', () => {
    const cache = new VerifiedTokenCache<string>();
    cache.set('expired', 'caller', inSeconds(-1));
    expect(cache.get('expired')).toBeUndefined();
  });

  it('makes room by forgetting the oldest token', () => {
    const cache = new VerifiedTokenCache<string>(2);
    cache.set('a', 'A', inSeconds(60));
    cache.set('b', 'B', inSeconds(60));
    cache.set('c', 'C', undefined);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 'B', 'C']);
  });
});
