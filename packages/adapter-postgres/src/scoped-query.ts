import { Query, type QueryResult } from 'pg';

/** A statement sent ahead of another, in the same pipeline segment, whose answer nobody reads. */
export interface PreludeStatement {
  readonly text: string;
  readonly values?: readonly (string | null)[];
  /** Prepared under this name once per connection, then only bound. */
  readonly name?: string;
}

/** The part of `pg`'s connection a statement is written to. */
interface Connection {
  readonly stream: { cork(): void; uncork(): void };
  /** Named statements Postgres has parsed, and those sent but not yet answered, by name. */
  readonly parsedStatements: Record<string, string>;
  readonly submittedNamedStatements: Record<string, string>;
  parse(message: { text: string; name?: string; types?: number[] }): void;
  bind(message: { statement?: string; values?: readonly (string | null)[] }): void;
  close(message: { type: 'S'; name: string }): void;
  execute(message: Record<string, never>): void;
}

/** `pg`'s Query as this file extends it: what @types/pg declares as properties are its methods. */
interface PgQuery {
  queryMode?: 'extended';
  name?: string;
  text: string;
  submit(connection: Connection): Error | null;
  /** Whether this connection has parsed the statement's name, or sent it to be parsed. */
  hasBeenParsed(connection: Connection): boolean;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: Connection): void;
}
const PgQuery = Query as unknown as new (
  text: string,
  values: unknown[] | undefined,
  callback: (error: Error | null, result: QueryResult) => void,
) => PgQuery;

/**
 * A statement preceded by others (`begin` and the session settings) in one pipeline segment: every message
 * of the prelude and the statement is written at once, and one Sync ends them all. Postgres runs them in
 * order and, at the first error, skips everything up to that Sync, so the statement never runs unless
 * every statement of its prelude succeeded: not outside a transaction that failed to begin, nor as the
 * session's own user when the settings failed. The prelude's answers are read and dropped; the statement
 * answers with its own result, or with the first error of the segment.
 *
 * A named statement that this connection has not parsed yet is parsed ahead of the prelude. `pg` takes
 * every ParseComplete of the segment for the statement's own, so the statement's must come first: should
 * its parse fail, no ParseComplete arrives at all, and `pg` does not count it as parsed.
 */
export class ScopedQuery extends PgQuery {
  private preludeLeft: number;

  constructor(
    private readonly prelude: readonly PreludeStatement[],
    text: string,
    values: unknown[] | undefined,
    callback: (error: Error | null, result: QueryResult) => void,
    name?: string,
  ) {
    // Given as text, not as a config object, which pg would copy property by property.
    super(text, values, callback);
    // Extended mode even without values: a simple Query message would not wait for the segment's Sync.
    this.queryMode = 'extended';
    this.name = name;
    this.preludeLeft = prelude.length;
  }

  override submit(connection: Connection): Error | null {
    connection.stream.cork();
    try {
      const { name, text } = this;
      if (name !== undefined && !this.hasBeenParsed(connection)) {
        connection.parse({ text, name, types: [] });
        // As pg marks it: its own submit then binds the statement without parsing it again.
        connection.submittedNamedStatements[name] = text;
      }
      for (const { text, values, name } of this.prelude) {
        if (name === undefined) connection.parse({ text, types: [] });
        else if (!(name in connection.parsedStatements)) {
          // Not known to be parsed: an earlier segment may have failed before or after its Parse. Closing
          // a statement that does not exist is no error, so it is parsed afresh either way.
          connection.close({ type: 'S', name });
          connection.parse({ text, name, types: [] });
        }
        connection.bind({ statement: name, values: values ?? [] });
        connection.execute({});
      }
      return super.submit(connection);
    } finally {
      connection.stream.uncork();
    }
  }

  override handleDataRow(message: unknown): void {
    if (this.preludeLeft === 0) super.handleDataRow(message);
  }

  override handleCommandComplete(message: unknown, connection: Connection): void {
    if (this.preludeLeft === 0) {
      super.handleCommandComplete(message, connection);
      return;
    }
    // The statement ran, so it was parsed: from now on this connection only binds it.
    const { text, name } = this.prelude[this.prelude.length - this.preludeLeft] as PreludeStatement;
    if (name !== undefined) connection.parsedStatements[name] = text;
    this.preludeLeft--;
  }
}
