/** Finds an agency's credentials in the hub's demo-credentials.json, whatever its nesting. */
export interface AgencyKeys {
  code: string;
  apiKey: string;
  vxpSecret: string;
}

export function demoKeys(file: unknown, code: string): AgencyKeys {
  const found = search(file, code);
  if (!found) throw new Error(`no demo credentials for ${code}`);
  return found;
}

function search(node: unknown, code: string): AgencyKeys | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = search(item, code);
      if (found) return found;
    }
    return undefined;
  }
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    const id = record['code'] ?? record['systemId'];
    if (id === code && typeof record['apiKey'] === 'string') {
      return { code, apiKey: record['apiKey'], vxpSecret: String(record['vxpSecret'] ?? '') };
    }
    for (const [key, value] of Object.entries(record)) {
      if (key === code && value && typeof value === 'object') {
        const found = search({ code, ...(value as object) }, code);
        if (found) return found;
      }
      const found = search(value, code);
      if (found) return found;
    }
  }
  return undefined;
}
