// DEMO ONLY. Console accounts for the demo hub: a national operator, a provincial operator (Tây Ninh),
// an auditor and a clerk for each featured demo agency, with random passwords kept beside the other demo
// credentials in <dataDir>/demo-credentials.json (mode 0600); and every demo agency's signing key from
// <dataDir>/demo-keys imported (sealed) so that the console can sign what the clerks compose.

import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import type { DemoConsoleAccount, DemoCredentials } from '../directory/demo-credentials.js';
import { DEMO_TENANT } from '../directory/demo-directory.js';
import type { ConsoleRole } from '../store/store.js';
import type { ConsoleService } from './console-service.js';

export const DEMO_PROVINCE = '000.00.00.H53';

export async function initDemoConsole(service: ConsoleService, creds: DemoCredentials): Promise<DemoCredentials> {
  const keyFiles = [
    ...creds.all
      .filter((c) => c.key && c.certificate)
      .map((c) => ({ code: c.systemId, key: c.key!, certificate: c.certificate! })),
    ...(creds.units ?? []).map((u) => ({ code: u.code, key: u.key, certificate: u.certificate })),
  ];
  await service.signingKeys.importFiles(keyFiles);
  if (creds.console || creds.all.length === 0) return creds;

  const wanted: Array<{ username: string; role: ConsoleRole; agencyCode?: string; displayName: string }> = [
    { username: 'quantri', role: 'national_operator', displayName: 'Quản trị quốc gia' },
    {
      username: 'tinh.h53',
      role: 'provincial_operator',
      agencyCode: DEMO_PROVINCE,
      displayName: 'Quản trị tỉnh Tây Ninh',
    },
    { username: 'kiemtoan', role: 'auditor', displayName: 'Kiểm toán viên' },
    ...creds.featured
      .filter((c) => c.systemId !== DEMO_TENANT)
      .map((c) => ({
        username: `vanthu.${c.systemId.toLowerCase()}`,
        role: 'clerk' as const,
        agencyCode: c.systemId,
        displayName: `Văn thư — ${c.name}`,
      })),
  ];
  const accounts: DemoConsoleAccount[] = [];
  for (const w of wanted) {
    if (await service.accounts.get(w.username)) continue;
    const password = randomBytes(12).toString('base64url');
    await service.accounts.add({ ...w, password }, 'demo');
    accounts.push({
      username: w.username,
      password,
      role: w.role,
      ...(w.agencyCode ? { agencyCode: w.agencyCode } : {}),
      displayName: w.displayName,
    });
  }
  const updated: DemoCredentials = { ...creds, console: accounts };
  const temp = `${creds.file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(updated, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, creds.file);
  return updated;
}
