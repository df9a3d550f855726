import { join } from 'node:path';
import type { HubConfig } from '../config/hub-config.js';

interface BannerDemo {
  file: string;
  featured: Array<{
    systemId: string;
    name: string;
    vxpSecret: string;
    apiKey: string;
    certificate?: string;
    key?: string;
  }>;
  console?: Array<{ username: string; role: string; agencyCode?: string }>;
}

/** What `lienthong-hub` prints once it listens: where, and with `--demo` a few agencies' credentials. */
export function startBanner(config: HubConfig, url: string, demo?: BannerDemo): string {
  const lines = [
    `Lienthong hub "${config.hubId}" listening on ${url}`,
    `  VXP endpoint (vendor SDKs): ${url}  (also ${url}/vxp)`,
    `  REST API: ${url}/v1  — OpenAPI: ${url}/docs`,
    `  health: ${url}/healthz  ${url}/readyz  metrics: ${url}/metrics`,
    `  data: ${config.dataDir}`,
  ];
  if (config.console.enabled) lines.splice(1, 0, `  web console: ${url}/`);
  if (config.tls.dev && config.trust.devCa && !config.trust.hubCertificate) {
    lines.push(`  TLS: development certificate; clients trust ${join(config.dataDir, 'pki', 'ca', 'root.pem')} (--ca)`);
  }
  if (config.tls.requestClientCert) {
    lines.push('  mutual TLS: client certificates accepted in place of HMAC / API keys');
  }
  if (demo) {
    lines.push('', 'Demo agencies (throw-away credentials):');
    const rows = demo.featured.map((c) => [c.systemId, c.name, c.vxpSecret, c.apiKey]);
    const head = ['code', 'name', 'VXP secret', 'API key'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
    const fmt = (r: string[]) =>
      `  ${r.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join('  ')}`.trimEnd();
    lines.push(fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt));
    lines.push(`  every demo credential: ${demo.file}`);
    const signer = demo.featured.find((c) => c.certificate && c.key);
    if (signer) {
      lines.push(
        '  every demo agency has a signing key and certificate from the development CA (<code>.key, <code>.pem):',
        `    lienthong send FILE --sign ${signer.key} --cert ${signer.certificate}`,
      );
    }
    if (demo.console && demo.console.length > 0 && config.console.enabled) {
      lines.push('', `Demo web console accounts (${url}/; passwords in ${demo.file}):`);
      for (const a of demo.console) {
        lines.push(`  ${a.username.padEnd(24)} ${a.role}${a.agencyCode ? ` ${a.agencyCode}` : ''}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
