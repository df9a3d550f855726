// Kysely's SQLite dialect with the one connection handed out first come, first served.
//
// Kysely's own driver guards the connection with a promise that every waiter awaits in a loop: when
// the holder lets go, all of them wake, one takes it and the rest await again. The group commit
// holds the connection for a whole batch while the reads of the next requests queue up, so each
// hand-over woke tens of waiters (at 64 concurrent intakes, some 40 wake-ups per acquisition). Here
// the waiters wait in line and a release wakes only the next one; Kysely's driver still does the
// work, its own lock never contended.
import { type DatabaseConnection, type Driver, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';

export class QueuedSqliteDialect extends SqliteDialect {
  private readonly config: SqliteDialectConfig;
  private driver: QueuedSqliteDriver | undefined;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.config = config;
  }

  override createDriver(): Driver {
    this.driver = new QueuedSqliteDriver(this.config);
    return this.driver;
  }

  /**
   * Runs `fn` (synchronous work on the connection) at once when no query or transaction holds the
   * connection, and so none waits for it either; undefined, without running it, when one does.
   */
  runIfIdle<T>(fn: () => T): T | undefined {
    if (this.driver === undefined || this.driver.held) return undefined;
    return fn();
  }
}

class QueuedSqliteDriver extends SqliteDriver {
  held = false;
  private readonly waiting: (() => void)[] = [];

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held = true;
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    const next = this.waiting.shift();
    // the connection passes straight to the next in line: `held` stays true
    if (next) next();
    else this.held = false;
  }
}
