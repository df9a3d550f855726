// Runs test-support/gateway-child in a child process (from source under tsx, or from dist), for crash tests.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildGateway {
  url: string;
  /** resolves with the signal that ended the child */
  exited: Promise<NodeJS.Signals | null>;
  child: ChildProcess;
}

export async function forkGateway(
  config: Record<string, unknown>,
  kill: 'beforeAck' | 'afterSubmit',
): Promise<ChildGateway> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const script = fileURLToPath(new URL(`./gateway-child${ext}`, import.meta.url));
  // keep the loader flags (tsx, the source condition), not the test runner's
  const execArgv = process.execArgv.filter(
    (a, i, all) =>
      a.startsWith('--conditions') ||
      a.startsWith('--import') ||
      a.startsWith('--experimental') ||
      all[i - 1] === '--import',
  );
  const child = fork(script, [], {
    execArgv,
    env: { ...process.env, GATEWAY_CHILD_CONFIG: JSON.stringify(config), GATEWAY_CHILD_KILL: kill },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code, signal) =>
      reject(new Error(`the child gateway ended before it started (${code ?? signal})`)),
    );
  });
  return { url, exited, child };
}
