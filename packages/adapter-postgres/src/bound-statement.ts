import type { CompiledQuery } from 'kysely';

/**
 * The statements of every request (downloads, info, sign, uploads, deletes) compiled once and then bound
 * to each call's values: building and compiling the query each time cost more than parsing its answer.
 * The first call compiles `build` with stand-ins for the values and notes where each lands, so a value may
 * appear more than once and in any order. Only for statements whose text does not depend on their values
 * (no `in` list, no column left out when a value is undefined). Both dialects compile the same SQL.
 */
const compiledStatements = new Map<string, { compiled: CompiledQuery; order: readonly string[] }>();
const STAND_IN = '\u0000stowage-value:';
export function bound<V extends Record<string, unknown>>(
  name: string,
  values: V,
  build: (values: V) => CompiledQuery,
): CompiledQuery {
  let known = compiledStatements.get(name);
  if (!known) {
    const standIns = Object.fromEntries(Object.keys(values).map((key) => [key, `${STAND_IN}${key}`]));
    const compiled = build(standIns as V);
    const order = compiled.parameters.map((parameter) => {
      if (typeof parameter !== 'string' || !parameter.startsWith(STAND_IN)) {
        throw new Error(`${name}: every parameter must be one of its values`);
      }
      return parameter.slice(STAND_IN.length);
    });
    known = { compiled, order };
    compiledStatements.set(name, known);
  }
  return { ...known.compiled, parameters: known.order.map((key) => values[key]) };
}
