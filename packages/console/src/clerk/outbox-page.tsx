import { api } from '../api/console-api.js';
import { PageButtons, useCursorPages } from '../cursor-pages.js';
import { useI18n } from '../i18n/i18n.js';
import { Link } from '../router.js';
import { ErrorBox, useLoad } from '../use-load.js';
import { DueBadge, PriorityBadge, StatusBadge } from './badges.js';
import { numberOf, type OutboxItem } from './clerk-types.js';

export function OutboxPage() {
  const { t, formatDateTime } = useI18n();
  const paging = useCursorPages('/clerk/outbox?limit=100');
  const { data, error, loading, reload } = useLoad(
    () => api.get<{ items: OutboxItem[]; nextCursor?: string }>(paging.path),
    paging.path,
    { pollMs: 10_000 },
  );
  return (
    <>
      <div className="toolbar">
        <h1>{t('outbox.title')}</h1>
        <Link to="/soan-thao" className="button">
          {t('nav.compose')}
        </Link>
        <button type="button" className="secondary" onClick={() => void reload()} disabled={loading}>
          {t('inbox.refresh')}
        </button>
      </div>
      {error && <ErrorBox error={error} onRetry={reload} />}
      {!data && !error && <p role="status">{t('app.loading')}</p>}
      {data && data.items.length === 0 && <p>{t('outbox.empty')}</p>}
      {data && data.items.length > 0 && (
        <table className="list" aria-label={t('outbox.title')}>
          <thead>
            <tr>
              <th scope="col">{t('col.number')}</th>
              <th scope="col">{t('col.subject')}</th>
              <th scope="col">{t('col.sent')}</th>
              <th scope="col">{t('col.to')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((d) => (
              <tr key={d.docId} data-doc={d.docId}>
                <td className="num">{numberOf(d)}</td>
                <td>
                  <Link to={`/van-ban/${encodeURIComponent(d.docId)}`}>{d.subject || d.docId}</Link>{' '}
                  {d.businessType ? (
                    <span className="badge status">{t(`business.${d.businessType as 1 | 2 | 3}`)}</span>
                  ) : null}{' '}
                  <PriorityBadge priority={d.priority} /> <DueBadge dueDate={d.dueDate} />
                </td>
                <td>{formatDateTime(d.sentAt)}</td>
                <td>
                  <ul className="plain">
                    {d.recipients.map((r) => (
                      <li key={r.code} data-recipient={r.code}>
                        {r.name ?? r.code}:{' '}
                        {r.state === 'withdrawn' ? (
                          <span className="badge status">{t('state.withdrawn')}</span>
                        ) : (
                          <StatusBadge code={r.lastStatus} />
                        )}
                      </li>
                    ))}
                  </ul>
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
