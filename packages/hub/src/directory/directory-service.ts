// The agency directory and the credentials of the systems that may connect.

import { agencyLevel, parentAgencyCode } from '@lienthong/edxml';
import { recordAudit } from '../audit/audit-trail.js';
import {
  type Agency,
  type AgencyInput,
  HubError,
  type IssuedCredentials,
  type Principal,
  type SignaturePolicy,
} from '../core/contract.js';
import type { AgencyRecord, NewAgencyRecord, Store, StoreOps } from '../store/store.js';
import { apiKeySecretMatches, issueApiKey, newVxpSecret, parseApiKey } from './api-key.js';
import type { SecretSealer } from './secret-sealer.js';

const MAX_CODE = 64;
const MAX_NAME = 250;

export class DirectoryService {
  constructor(
    private readonly store: Store,
    private readonly sealer: SecretSealer,
  ) {}

  async listAgencies(q: { includeDisabled?: boolean; sinceVersion?: number; level?: number } = {}): Promise<Agency[]> {
    return this.store.listAgencies({
      includeDisabled: q.includeDisabled ?? q.sinceVersion !== undefined,
      // an incremental sync has to learn about deletions too
      includeDeleted: q.sinceVersion !== undefined,
      sinceVersion: q.sinceVersion,
      level: q.level,
    });
  }

  async getAgency(code: string): Promise<Agency | undefined> {
    const a = await this.store.getAgency(code);
    return a && !a.deleted ? a : undefined;
  }

  /** The agency codes a principal acts for: itself, and for a tenant every unit registered under it. */
  async scope(p: Principal, ops: StoreOps = this.store): Promise<string[]> {
    const self = await ops.getAgency(p.systemId);
    if (!self?.isTenant) return [p.systemId];
    const units = await ops.listAgencies({ tenantId: p.systemId, includeDisabled: true });
    return [p.systemId, ...units.map((u) => u.code)];
  }

  async registerUnit(p: Principal, input: AgencyInput): Promise<Agency> {
    checkInput(input);
    return this.store.transaction(async (tx) => {
      const tenant = await tx.getAgency(p.systemId);
      if (!tenant?.isTenant || tenant.deleted || !tenant.enabled) {
        throw new HubError('forbidden', `${p.systemId} is not a shared-server tenant and cannot register units`);
      }
      const now = new Date();
      const existing = await tx.getAgency(input.code);
      let unit: AgencyRecord | undefined;
      if (existing && !existing.deleted) {
        if (existing.tenantId !== p.systemId) {
          throw new HubError('conflict', `agency ${input.code} is already registered`, { path: 'code' });
        }
        unit = await tx.updateAgency(
          input.code,
          {
            name: input.name,
            parentCode: input.parentCode ?? parentAgencyCode(input.code),
            email: input.email,
            phone: input.phone,
            fax: input.fax,
          },
          now,
        );
      } else {
        unit = await tx.insertAgency(
          {
            ...newAgency(input),
            isTenant: false,
            tenantId: p.systemId,
            demo: tenant.demo && (input.demo ?? true),
          },
          now,
        );
      }
      await recordAudit(tx, {
        actor: p.systemId,
        action: 'unit-register',
        subject: input.code,
        details: { name: input.name, parentCode: unit?.parentCode },
        at: now,
      });
      return unit!;
    });
  }

  async deleteUnit(p: Principal, code: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const unit = await tx.getAgency(code);
      if (!unit || unit.deleted) throw new HubError('not-found', `agency ${code} is not registered`, { path: 'code' });
      if (unit.tenantId !== p.systemId) {
        throw new HubError('forbidden', `agency ${code} is not a unit registered by ${p.systemId}`, { path: 'code' });
      }
      const now = new Date();
      await tx.updateAgency(code, { deleted: true }, now);
      await recordAudit(tx, { actor: p.systemId, action: 'unit-delete', subject: code, at: now });
    });
  }

  async vxpSecret(systemId: string): Promise<string | undefined> {
    const agency = await this.store.getAgency(systemId);
    if (!agency || agency.deleted || !agency.enabled) return undefined;
    const cred = await this.store.getCredential(systemId);
    return cred && this.sealer.open(cred.vxpSecretSealed, systemId);
  }

  async resolveApiKey(token: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(token);
    if (!parsed) return undefined;
    const cred = await this.store.getCredentialByKeyId(parsed.keyId);
    if (!cred || !apiKeySecretMatches(parsed.secret, cred.apiKeyHash)) return undefined;
    const agency = await this.store.getAgency(cred.systemId);
    if (!agency || agency.deleted || !agency.enabled) return undefined;
    return { systemId: cred.systemId, via: 'api-key' };
  }

  async addAgency(input: AgencyInput, actor = 'admin'): Promise<{ agency: Agency; credentials: IssuedCredentials }> {
    checkInput(input);
    return this.store.transaction(async (tx) => {
      const existing = await tx.getAgency(input.code);
      if (existing && !existing.deleted) {
        throw new HubError('conflict', `agency ${input.code} already exists`, { path: 'code' });
      }
      const now = new Date();
      const agency = await tx.insertAgency(newAgency(input), now);
      const credentials = await this.issue(tx, agency.code, now);
      await recordAudit(tx, {
        actor,
        action: 'agency-add',
        subject: agency.code,
        details: { name: agency.name, isTenant: agency.isTenant, tenantId: agency.tenantId, demo: agency.demo },
        at: now,
      });
      return { agency, credentials };
    });
  }

  /** Loads many agencies at once (the demo directory); credentials for those named in `withCredentials`. */
  async addAgencies(
    inputs: AgencyInput[],
    withCredentials: (a: AgencyInput) => boolean,
    actor: string,
  ): Promise<Array<{ agency: Agency; credentials?: IssuedCredentials }>> {
    return this.store.transaction(async (tx) => {
      const now = new Date();
      const out: Array<{ agency: Agency; credentials?: IssuedCredentials }> = [];
      for (const input of inputs) {
        checkInput(input);
        const agency = await tx.insertAgency(newAgency(input), now);
        out.push({ agency, credentials: withCredentials(input) ? await this.issue(tx, agency.code, now) : undefined });
      }
      await recordAudit(tx, { actor, action: 'directory-load', details: { count: inputs.length }, at: now });
      return out;
    });
  }

  async setAgencyEnabled(code: string, enabled: boolean, actor = 'admin'): Promise<Agency> {
    return this.store.transaction(async (tx) => {
      const existing = await tx.getAgency(code);
      if (!existing || existing.deleted) throw new HubError('not-found', `agency ${code} is not registered`);
      const now = new Date();
      const agency = await tx.updateAgency(code, { enabled }, now);
      await recordAudit(tx, { actor, action: enabled ? 'agency-enable' : 'agency-disable', subject: code, at: now });
      return agency!;
    });
  }

  async setSignaturePolicy(code: string, policy: SignaturePolicy | null, actor = 'admin'): Promise<Agency> {
    if (policy !== null && !['off', 'report', 'require'].includes(policy)) {
      throw new HubError('bad-request', `signature policy must be off, report, require or null, not "${policy}"`);
    }
    return this.store.transaction(async (tx) => {
      const existing = await tx.getAgency(code);
      if (!existing || existing.deleted) throw new HubError('not-found', `agency ${code} is not registered`);
      const now = new Date();
      const agency = await tx.updateAgency(code, { signaturePolicy: policy }, now);
      await recordAudit(tx, {
        actor,
        action: 'agency-signature-policy',
        subject: code,
        at: now,
        details: { policy: policy ?? 'default' },
      });
      return agency!;
    });
  }

  async rotateCredentials(code: string, actor = 'admin'): Promise<IssuedCredentials> {
    return this.store.transaction(async (tx) => {
      const existing = await tx.getAgency(code);
      if (!existing || existing.deleted) throw new HubError('not-found', `agency ${code} is not registered`);
      if (existing.tenantId) {
        throw new HubError('bad-request', `agency ${code} is a unit of ${existing.tenantId} and connects through it`);
      }
      const now = new Date();
      const credentials = await this.issue(tx, code, now);
      await recordAudit(tx, { actor, action: 'credentials-rotate', subject: code, at: now });
      return credentials;
    });
  }

  private async issue(tx: StoreOps, systemId: string, now: Date): Promise<IssuedCredentials> {
    const vxpSecret = newVxpSecret();
    const apiKey = issueApiKey();
    await tx.putCredential({
      systemId,
      vxpSecretSealed: this.sealer.seal(vxpSecret, systemId),
      apiKeyId: apiKey.keyId,
      apiKeyHash: apiKey.hash,
      createdAt: now,
    });
    return { systemId, vxpSecret, apiKey: apiKey.token };
  }
}

function newAgency(input: AgencyInput): NewAgencyRecord {
  return {
    code: input.code,
    parentCode: input.parentCode ?? parentAgencyCode(input.code),
    name: input.name,
    level: agencyLevel(input.code),
    email: input.email,
    phone: input.phone,
    fax: input.fax,
    enabled: true,
    isTenant: input.isTenant ?? false,
    tenantId: input.tenantId,
    demo: input.demo ?? false,
  };
}

function checkInput(input: AgencyInput): void {
  if (typeof input.code !== 'string' || !/^[\w.-]{1,64}$/.test(input.code)) {
    throw new HubError('bad-request', `agency code must be 1..${MAX_CODE} letters, digits, '.', '_' or '-'`, {
      path: 'code',
    });
  }
  if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > MAX_NAME) {
    throw new HubError('bad-request', `agency name is required (at most ${MAX_NAME} characters)`, { path: 'name' });
  }
}
