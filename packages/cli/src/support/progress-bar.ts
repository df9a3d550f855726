import type { Progress, ProgressCallback } from '@lienthong/client';
import cliProgress from 'cli-progress';
import { formatBytes } from './output.js';

/** Packages smaller than this transfer without a bar. */
const MIN_BYTES = 1024 * 1024;

export interface ProgressBar {
  onProgress: ProgressCallback | undefined;
  stop(): void;
}

/**
 * A progress bar on stderr for a large transfer, only when stderr is a terminal and the output
 * is for humans. The bar appears on the first report that shows the transfer is large enough.
 */
export function progressBar(label: string, json: boolean, knownTotal?: number): ProgressBar {
  if (json || !process.stderr.isTTY) return { onProgress: undefined, stop: () => undefined };
  let bar: cliProgress.SingleBar | undefined;
  const onProgress = (p: Progress): void => {
    const total = p.total ?? knownTotal;
    if (done) return;
    if (!bar) {
      if (total === undefined || total < MIN_BYTES) return;
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: `${label} [{bar}] {percentage}% {done}/{size} {speed}`,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { done: formatBytes(0), size: formatBytes(total), speed: '' });
      started = Date.now();
    }
    const seconds = (Date.now() - started) / 1000;
    bar.update(p.transferred, {
      done: formatBytes(p.transferred),
      speed: seconds > 0.5 ? `${formatBytes(p.transferred / seconds)}/s` : '',
    });
  };
  let started = Date.now();
  let done = false;
  return {
    onProgress,
    stop: () => {
      bar?.stop();
      bar = undefined;
      done = true;
    },
  };
}
