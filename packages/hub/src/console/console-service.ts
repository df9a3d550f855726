// What the console's routes share: the hub (its HubService operations), its context (store, directory,
// blobs, config) and the console's accounts. Built once per hub (LienthongHub.console).

import type { HubService } from '../core/contract.js';
import type { HubContext } from '../core/hub-context.js';
import { ConsoleAccounts } from './auth/console-accounts.js';
import { AgencySigningKeys } from './clerk/agency-signing-keys.js';

export class ConsoleService {
  readonly accounts: ConsoleAccounts;
  readonly signingKeys: AgencySigningKeys;

  constructor(
    /** store, directory, blobs, config, logger: for routes that need more than the HubService */
    readonly ctx: HubContext,
    /** the hub's operations, called with a clerk's agency as the principal */
    readonly hub: HubService,
    now: () => Date = () => new Date(),
  ) {
    this.accounts = new ConsoleAccounts(ctx.store, ctx.config.console, now);
    this.signingKeys = new AgencySigningKeys(ctx);
  }
}
