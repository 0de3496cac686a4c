import { CompiledQuery } from 'kysely';
import { bound } from '../src/bound-statement';

describe('bound', () => {
  it('compiles once and binds each call’s values where the first compile put them', () => {
    let compiles = 0;
    const build = (v: { a: unknown; b: unknown }) => {
      compiles++;
      return CompiledQuery.raw('select $1, $2, $3', [v.b, v.a, v.b]);
    };
    expect(bound('bound-test-order', { a: 1, b: 'two' }, build).parameters).toEqual(['two', 1, 'two']);
    const second = bound('bound-test-order', { a: null, b: ['x'] }, build);
    expect(second.parameters).toEqual([['x'], null, ['x']]);
    expect(second.sql).toBe('select $1, $2, $3');
    expect(compiles).toBe(1);
  });

  it('refuses a statement with a parameter that is not one of its values', () => {
    expect(() =>
      bound('bound-test-constant', { a: 1 }, (v) => CompiledQuery.raw('select $1, $2', [v.a, 5])),
    ).toThrow('bound-test-constant: every parameter must be one of its values');
  });
});
