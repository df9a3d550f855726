import { api } from '../api/console-api.js';
import { PageButtons, useCursorPages } from '../cursor-pages.js';
import { useI18n } from '../i18n/i18n.js';
import { Link } from '../router.js';
import { ErrorBox, useLoad } from '../use-load.js';
import { DueBadge, PriorityBadge, StatusBadge } from './badges.js';
import { type InboxItem, numberOf } from './clerk-types.js';

export function InboxPage() {
  const { t, formatDateTime } = useI18n();
  const paging = useCursorPages('/clerk/inbox?limit=200');
  const { data, error, loading, reload } = useLoad(
    () => api.get<{ items: InboxItem[]; unread: number; nextCursor?: string }>(paging.path),
    paging.path,
    { pollMs: 15_000 },
  );
  return (
    <>
      <div className="toolbar">
        <h1>{t('inbox.title')}</h1>
        {data && data.unread > 0 && (
          <span className="badge unread" data-testid="unread-count">
            {t('inbox.unreadCount', { count: data.unread })}
          </span>
        )}
        <button type="button" className="secondary" onClick={() => void reload()} disabled={loading}>
          {t('inbox.refresh')}
        </button>
      </div>
      {error && <ErrorBox error={error} onRetry={reload} />}
      {!data && !error && <p role="status">{t('app.loading')}</p>}
      {data && data.items.length === 0 && <p>{t('inbox.empty')}</p>}
      {data && data.items.length > 0 && (
        <table className="list" aria-label={t('inbox.title')}>
          <thead>
            <tr>
              <th scope="col">{t('col.number')}</th>
              <th scope="col">{t('col.subject')}</th>
              <th scope="col">{t('col.from')}</th>
              <th scope="col">{t('col.received')}</th>
              <th scope="col">{t('col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((d) => (
              <tr key={d.docId} className={d.unread ? 'unread' : undefined} data-doc={d.docId}>
                <td className="num">
                  {numberOf(d)}
                  {d.unread && <span className="visually-hidden"> ({t('inbox.unread')})</span>}
                </td>
                <td>
                  <Link to={`/van-ban/${encodeURIComponent(d.docId)}`}>{d.subject || d.docId}</Link>{' '}
                  <PriorityBadge priority={d.priority} /> <DueBadge dueDate={d.dueDate} />
                </td>
                <td>{d.fromName ?? d.from}</td>
                <td>{formatDateTime(d.receivedAt)}</td>
                <td>
                  {d.state === 'withdrawn' ? (
                    <span className="badge status">{t('state.withdrawn')}</span>
                  ) : (
                    <StatusBadge code={d.lastStatus} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PageButtons paging={paging} nextCursor={data?.nextCursor} />
    </>
  );
}
