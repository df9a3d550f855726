// Console accounts and sessions: sign-in with lock-out, sessions (idle and absolute expiry), CSRF tokens,
// and the account administration the CLI and the operators' pages use. Every sign-in, failure, lock-out,
// sign-out and administrative change is written to the audit trail (docs/console.md).

import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { recordAudit } from '../../audit/audit-trail.js';
import type { ConsoleConfig } from '../../config/hub-config.js';
import { HubError } from '../../core/contract.js';
import type { ConsoleAccountRecord, ConsoleRole, Store } from '../../store/store.js';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { SignInThrottle, SignInThrottled } from './sign-in-throttle.js';

export const CONSOLE_ROLES: readonly ConsoleRole[] = ['national_operator', 'provincial_operator', 'auditor', 'clerk'];

/** What a route sees of the signed-in account. */
export interface ConsoleSession {
  accountId: string;
  username: string;
  role: ConsoleRole;
  /** a clerk's agency; a provincial operator's province */
  agencyCode?: string;
  displayName: string;
}

export interface ResolvedSession extends ConsoleSession {
  /** hashed session id (the store's key) */
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

/** An account as shown to operators and the CLI: never the password hash. */
export interface ConsoleAccountView {
  id: string;
  username: string;
  role: ConsoleRole;
  agencyCode?: string;
  displayName: string;
  disabled: boolean;
  locked: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewConsoleAccount {
  username: string;
  password: string;
  role: ConsoleRole;
  agencyCode?: string;
  displayName?: string;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
export const SIGN_IN_FAILED =
  'wrong username or password, or the account is locked for a while after repeated failures';

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface AuditContext {
  requestId?: string;
  ip?: string;
}

export class ConsoleAccounts {
  /** sign-in failures per client address (lock-out per address, beside the one per account) */
  private readonly throttle: SignInThrottle;

  constructor(
    private readonly store: Store,
    private readonly config: ConsoleConfig,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.throttle = new SignInThrottle({
      threshold: config.ipLockoutThreshold,
      windowMinutes: config.ipLockoutWindowMinutes,
      lockMinutes: config.lockoutMinutes,
    });
  }

  view(a: ConsoleAccountRecord): ConsoleAccountView {
    return {
      id: a.id,
      username: a.username,
      role: a.role,
      ...(a.agencyCode ? { agencyCode: a.agencyCode } : {}),
      displayName: a.displayName,
      disabled: a.disabled,
      locked: a.lockedUntil !== undefined && a.lockedUntil > this.now(),
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }

  async list(): Promise<ConsoleAccountView[]> {
    return (await this.store.listConsoleAccounts()).map((a) => this.view(a));
  }

  async get(username: string): Promise<ConsoleAccountView | undefined> {
    const a = await this.store.getConsoleAccountByUsername(username.trim().toLowerCase());
    return a ? this.view(a) : undefined;
  }

  /** Creates an account; `actor` is who did it (`admin` for the CLI, `console:<username>` for an operator). */
  async add(input: NewConsoleAccount, actor: string, ctx: AuditContext = {}): Promise<ConsoleAccountView> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) {
      throw new HubError(
        'bad-request',
        'username: 2–64 characters, lowercase letters, digits, dot, dash or underscore, starting with a letter or digit',
        { path: 'username' },
      );
    }
    if (!CONSOLE_ROLES.includes(input.role)) {
      throw new HubError('bad-request', `role must be one of ${CONSOLE_ROLES.join(', ')}`, { path: 'role' });
    }
    const problem = passwordProblem(input.password);
    if (problem) throw new HubError('bad-request', problem, { path: 'password' });
    const needsAgency = input.role === 'clerk' || input.role === 'provincial_operator';
    if (needsAgency && !input.agencyCode) {
      throw new HubError('bad-request', `a ${input.role} account needs an agency code`, { path: 'agencyCode' });
    }
    if (input.agencyCode) {
      const agency = await this.store.getAgency(input.agencyCode);
      if (!agency || agency.deleted) {
        throw new HubError('bad-request', `no agency ${input.agencyCode} in the directory`, { path: 'agencyCode' });
      }
    }
    if (await this.store.getConsoleAccountByUsername(username)) {
      throw new HubError('conflict', `the username ${username} is taken`, { path: 'username' });
    }
    const at = this.now();
    const record: ConsoleAccountRecord = {
      id: randomUUID(),
      username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      ...(needsAgency || input.agencyCode ? { agencyCode: input.agencyCode } : {}),
      displayName: input.displayName?.trim() || username,
      disabled: false,
      failedCount: 0,
      createdAt: at,
      updatedAt: at,
    };
    await this.store.transaction(async (tx) => {
      await tx.insertConsoleAccount(record);
      await recordAudit(tx, {
        actor,
        action: 'console-account-add',
        subject: username,
        requestId: ctx.requestId,
        details: { role: record.role, agencyCode: record.agencyCode },
        at,
      });
    });
    return this.view(record);
  }

  /** Sets a new password, clears lock-out and ends every session of the account. */
  async setPassword(username: string, password: string, actor: string, ctx: AuditContext = {}): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new HubError('bad-request', problem, { path: 'password' });
    const a = await this.mustGet(username);
    const passwordHash = await hashPassword(password);
    const at = this.now();
    await this.store.transaction(async (tx) => {
      await tx.updateConsoleAccount(a.id, { passwordHash, failedCount: 0, lockedUntil: null, updatedAt: at });
      await tx.deleteConsoleSessionsOf(a.id);
      await recordAudit(tx, {
        actor,
        action: 'console-account-passwd',
        subject: a.username,
        requestId: ctx.requestId,
        at,
      });
    });
  }

  /** Disables (or enables) an account; disabling ends its sessions. */
  async setDisabled(username: string, disabled: boolean, actor: string, ctx: AuditContext = {}): Promise<void> {
    const a = await this.mustGet(username);
    const at = this.now();
    await this.store.transaction(async (tx) => {
      await tx.updateConsoleAccount(a.id, { disabled, updatedAt: at });
      if (disabled) await tx.deleteConsoleSessionsOf(a.id);
      await recordAudit(tx, {
        actor,
        action: disabled ? 'console-account-disable' : 'console-account-enable',
        subject: a.username,
        requestId: ctx.requestId,
        at,
      });
    });
  }

  private async mustGet(username: string): Promise<ConsoleAccountRecord> {
    const a = await this.store.getConsoleAccountByUsername(username.trim().toLowerCase());
    if (!a) throw new HubError('not-found', `no console account ${username}`, { path: 'username' });
    return a;
  }

  /**
   * Checks the password and opens a session. Unknown user, wrong password, disabled and locked accounts all
   * fail with the same 401 message (and cost one scrypt each); the reason is in the audit trail only.
   * A client address with too many recent failures is refused first (SignInThrottled: 429), without a
   * password check.
   */
  async signIn(
    usernameInput: string,
    password: string,
    ctx: AuditContext = {},
  ): Promise<{ token: string; session: ResolvedSession }> {
    const username = usernameInput.trim().toLowerCase();
    const at = this.now();
    const addressLocked = ctx.ip ? this.throttle.lockedUntil(ctx.ip, at) : undefined;
    if (addressLocked) {
      await recordAudit(this.store, {
        actor: 'console:?',
        action: 'console-sign-in',
        subject: username.slice(0, 64),
        outcome: 'refused',
        reason: 'address locked',
        requestId: ctx.requestId,
        details: { ip: ctx.ip, until: addressLocked },
        at,
      });
      throw new SignInThrottled(addressLocked, at);
    }
    const account = USERNAME.test(username) ? await this.store.getConsoleAccountByUsername(username) : undefined;
    const ok = await verifyPassword(password, account?.passwordHash ?? (await dummyHash()));
    const fail = async (reason: string, patch?: { failedCount: number; lockedUntil?: Date }) => {
      const ipLockedUntil = ctx.ip ? this.throttle.failed(ctx.ip, at) : undefined;
      await this.store.transaction(async (tx) => {
        if (account && patch) await tx.updateConsoleAccount(account.id, { ...patch, updatedAt: at });
        await recordAudit(tx, {
          actor: `console:${account?.username ?? '?'}`,
          action: 'console-sign-in',
          subject: username.slice(0, 64),
          outcome: 'refused',
          reason,
          requestId: ctx.requestId,
          details: { ip: ctx.ip },
          at,
        });
        if (patch?.lockedUntil) {
          await recordAudit(tx, {
            actor: 'hub',
            action: 'console-lockout',
            subject: account!.username,
            requestId: ctx.requestId,
            details: { until: patch.lockedUntil, failures: patch.failedCount, ip: ctx.ip },
            at,
          });
        }
        if (ipLockedUntil) {
          await recordAudit(tx, {
            actor: 'hub',
            action: 'console-ip-lockout',
            subject: ctx.ip!,
            requestId: ctx.requestId,
            details: {
              until: ipLockedUntil,
              failures: this.config.ipLockoutThreshold,
              windowMinutes: this.config.ipLockoutWindowMinutes,
            },
            at,
          });
        }
      });
      return new HubError('unauthenticated', SIGN_IN_FAILED, { path: 'password' });
    };
    if (!account) throw await fail('unknown username');
    if (account.lockedUntil && account.lockedUntil > at) throw await fail('account locked');
    if (account.disabled) throw await fail('account disabled');
    if (!ok) {
      const failedCount = account.failedCount + 1;
      const lock = failedCount >= this.config.lockoutThreshold;
      throw await fail(
        'wrong password',
        lock
          ? { failedCount: 0, lockedUntil: new Date(at.getTime() + this.config.lockoutMinutes * 60_000) }
          : { failedCount },
      );
    }
    const token = randomBytes(32).toString('base64url');
    const session: ResolvedSession = {
      sessionId: hashSessionToken(token),
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: new Date(at.getTime() + this.config.sessionMaxHours * 3_600_000),
      ...this.sessionOf(account),
    };
    await this.store.transaction(async (tx) => {
      await tx.updateConsoleAccount(account.id, { failedCount: 0, lockedUntil: null, updatedAt: at });
      await tx.insertConsoleSession({
        id: session.sessionId,
        accountId: account.id,
        csrfToken: session.csrfToken,
        createdAt: at,
        expiresAt: session.expiresAt,
        lastSeenAt: at,
      });
      await recordAudit(tx, {
        actor: `console:${account.username}`,
        action: 'console-sign-in',
        subject: account.username,
        requestId: ctx.requestId,
        details: { role: account.role, agencyCode: account.agencyCode, ip: ctx.ip },
        at,
      });
    });
    return { token, session };
  }

  private sessionOf(a: ConsoleAccountRecord): ConsoleSession {
    return {
      accountId: a.id,
      username: a.username,
      role: a.role,
      ...(a.agencyCode ? { agencyCode: a.agencyCode } : {}),
      displayName: a.displayName,
    };
  }

  /** The session a cookie token opens, or undefined (unknown, expired, idle too long, account disabled). */
  async resolve(token: string): Promise<ResolvedSession | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const id = hashSessionToken(token);
    const s = await this.store.getConsoleSession(id);
    if (!s) return undefined;
    const at = this.now();
    const idleUntil = s.lastSeenAt.getTime() + this.config.sessionIdleMinutes * 60_000;
    if (s.expiresAt <= at || idleUntil <= at.getTime()) {
      await this.store.deleteConsoleSession(id);
      return undefined;
    }
    const a = await this.store.getConsoleAccount(s.accountId);
    if (!a || a.disabled) return undefined;
    // written at most once a minute per session: reads stay reads
    if (at.getTime() - s.lastSeenAt.getTime() > 60_000) await this.store.touchConsoleSession(id, at);
    return { sessionId: id, csrfToken: s.csrfToken, expiresAt: s.expiresAt, ...this.sessionOf(a) };
  }

  async signOut(session: ResolvedSession, ctx: AuditContext = {}): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.deleteConsoleSession(session.sessionId);
      await recordAudit(tx, {
        actor: `console:${session.username}`,
        action: 'console-sign-out',
        subject: session.username,
        requestId: ctx.requestId,
      });
    });
  }

  /** Removes expired sessions (run now and then). */
  pruneSessions(): Promise<number> {
    return this.store.deleteExpiredConsoleSessions(this.now());
  }
}

/** Constant-time string equality (CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
