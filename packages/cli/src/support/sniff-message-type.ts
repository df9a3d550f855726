import { open } from 'node:fs/promises';

/**
 * `status` when the package's header has a StatusCode (status packages are small and have it near
 * the top), else `edoc`. VXP needs the message type up front; /v1 detects it itself.
 */
export async function sniffMessageType(path: string): Promise<'edoc' | 'status'> {
  const file = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8');
    return /<([\w.-]+:)?StatusCode[\s>]/.test(head) && !/<([\w.-]+:)?edXMLBody[\s>]/.test(head) ? 'status' : 'edoc';
  } finally {
    await file.close();
  }
}
