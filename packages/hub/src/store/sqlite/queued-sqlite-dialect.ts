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

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.config = config;
  }

  override createDriver(): Driver {
    return new QueuedSqliteDriver(this.config);
  }
}

class QueuedSqliteDriver extends SqliteDriver {
  private held = false;
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
