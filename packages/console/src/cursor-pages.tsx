// Lists the API pages with a `nextCursor`: the path of the page shown, and the buttons that move between pages.
import { useState } from 'react';
import { useI18n } from './i18n/i18n.js';

export interface CursorPages {
  /** the API path of the page shown: `base`, with the cursor of the pages moved through */
  path: string;
  /** cursors of the pages before this one's (empty on the first page) */
  pages: string[];
  setPages(pages: string[]): void;
}

export function useCursorPages(base: string): CursorPages {
  const [pages, setPages] = useState<string[]>([]);
  const cursor = pages.at(-1);
  const path = cursor ? `${base}${base.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : base;
  return { path, pages, setPages };
}

export function PageButtons({ paging, nextCursor }: { paging: CursorPages; nextCursor: string | undefined }) {
  const { t } = useI18n();
  const { pages, setPages } = paging;
  if (pages.length === 0 && !nextCursor) return null;
  return (
    <div className="toolbar">
      {pages.length > 0 && (
        <button type="button" className="secondary" onClick={() => setPages(pages.slice(0, -1))}>
          {t('ops.previous')}
        </button>
      )}
      {nextCursor && (
        <button type="button" className="secondary" onClick={() => setPages([...pages, nextCursor])}>
          {t('ops.next')}
        </button>
      )}
    </div>
  );
}
