// Loads something from the API for a page: {data, error, loading, reload}; optional polling while visible.

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api/console-api.js';
import { useT } from './i18n/i18n.js';

/** `key`: loads again when it changes (e.g. the API path) */
export function useLoad<T>(load: () => Promise<T>, key: string, opts: { pollMs?: number } = {}) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [loading, setLoading] = useState(true);
  const live = useRef(0);
  const loader = useRef(load);
  loader.current = load;
  const reload = useCallback(async () => {
    void key;
    const mine = ++live.current;
    setLoading(true);
    try {
      const d = await loader.current();
      if (mine === live.current) {
        setData(d);
        setError(undefined);
      }
    } catch (e) {
      if (mine === live.current) setError(e as Error);
    } finally {
      if (mine === live.current) setLoading(false);
    }
  }, [key]);
  useEffect(() => {
    void reload();
    if (!opts.pollMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, opts.pollMs);
    return () => clearInterval(timer);
  }, [reload, opts.pollMs]);
  return { data, error, loading, reload };
}

export function ErrorBox({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const t = useT();
  const message = error instanceof ApiError ? error.message : String(error.message);
  return (
    <div className="notice" role="alert">
      <p>{t('app.error', { message })}</p>
      {onRetry && (
        <button type="button" className="secondary" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}
