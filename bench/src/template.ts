// One data directory prepared once per run and copied for every hub the scenarios start: the demo
// directory (agencies, API keys, VXP secrets, signing certificates from the dev CA) plus 1,000 extra
// agencies so that a package can fan out to 1,000 recipients. Every copy has the same CA and keys,
// so the pool of signed packages verifies in all of them, and each scenario starts from an empty inbox.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHub, createLogger, loadConfig } from '@lienthong/hub';
import { type HubProcessOptions, type StoreSelection, startHubProcess } from './hub-process.js';

export interface DemoAgency {
  code: string;
  apiKey: string;
  vxpSecret: string;
  certificate: string;
  key: string;
}

export interface Template {
  dir: string;
  agencies: DemoAgency[];
  /** codes of the extra agencies (no credentials kept: fan-out recipients only) */
  extraCodes: string[];
}

export const EXTRA_AGENCIES = 1000;

export async function prepareTemplate(store: StoreSelection, extra = EXTRA_AGENCIES): Promise<Template> {
  const hub = await startHubProcess(store.args, store.env, { keep: true });
  await hub.stop();
  const dir = hub.dataDir;
  const file = JSON.parse(readFileSync(join(dir, 'demo-credentials.json'), 'utf8')) as {
    all: Array<{ systemId: string; apiKey: string; vxpSecret: string; certificate: string; key: string }>;
  };
  const agencies = file.all
    .filter((a) => a.apiKey && a.vxpSecret && a.certificate && a.key)
    .map((a) => ({
      code: a.systemId,
      apiKey: a.apiKey,
      vxpSecret: a.vxpSecret,
      certificate: a.certificate,
      key: a.key,
    }));

  const config = loadConfig({ env: { ...process.env, ...store.env }, overrides: { dataDir: dir } });
  const logger = createLogger({ ...config.log, level: 'warn' });
  const core = await createHub(config, { logger });
  const extraCodes: string[] = [];
  try {
    for (let i = 0; i < extra; i++) {
      const code = `000.${String(1 + Math.floor(i / 99)).padStart(2, '0')}.${String(1 + (i % 99)).padStart(2, '0')}.H41`;
      await core.addAgency({ code, name: `Đơn vị đo hiệu năng ${i + 1}` });
      extraCodes.push(code);
    }
  } finally {
    await core.close();
  }
  return { dir, agencies, extraCodes };
}

export async function startFromTemplate(template: Template, store: StoreSelection, options: HubProcessOptions = {}) {
  const own = store.freshForHub?.() ?? store;
  try {
    const hub = await startHubProcess(own.args, own.env, { ...options, template: template.dir });
    if (own === store) return hub;
    return {
      ...hub,
      stop: async () => {
        await hub.stop();
        own.dispose?.();
      },
    };
  } catch (err) {
    if (own !== store) own.dispose?.();
    throw err;
  }
}
