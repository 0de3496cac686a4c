import type { UnitOfWorkOptions } from '../ports/metadata-store';

/** For a unit of work of one statement, which the store may run without a begin and a commit of its own. */
export const ONE_STATEMENT: UnitOfWorkOptions = { oneStatement: true };
