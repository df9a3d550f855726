import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, apiUrl } from '../api/console-api.js';
import { PageButtons, useCursorPages } from '../cursor-pages.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/vi.js';
import { Link, navigate, useLocation } from '../router.js';
import { ErrorBox, useLoad } from '../use-load.js';
import { type DocumentHit, numberOf, type Trace } from './ops-types.js';

const STATES = ['pending', 'processing', 'done', 'fail', 'withdrawn'];
const FIELDS = ['q', 'subject', 'sender', 'recipient', 'state', 'from', 'to'] as const;

export function DocumentSearchPage() {
  const { t, formatDateTime } = useI18n();
  const { search } = useLocation();
  const initial = Object.fromEntries(FIELDS.map((f) => [f, search.get(f) ?? ''])) as Record<
    (typeof FIELDS)[number],
    string
  >;
  const [form, setForm] = useState(initial);
  const q = new URLSearchParams(Object.entries(initial).filter(([, v]) => v.trim() !== ''));
  const paging = useCursorPages(`/ops/documents?${q.toString()}`);
  const { path } = paging;
  const { data, error, reload } = useLoad(() => api.get<{ items: DocumentHit[]; nextCursor?: string }>(path), path);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams(Object.entries(form).filter(([, v]) => v.trim() !== ''));
    paging.setPages([]);
    navigate(`/tra-cuu?${next.toString()}`);
  };
  const set = (k: (typeof FIELDS)[number]) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <>
      <h1>{t('ops.documents.title')}</h1>
      <form className="card filters" aria-label={t('ops.documents.title')} onSubmit={submit}>
        <div className="field wide">
          <label htmlFor="s-q">{t('ops.documents.q')}</label>
          <input id="s-q" value={form.q} onChange={set('q')} placeholder="123/QĐ-UBND" />
        </div>
        <div className="field">
          <label htmlFor="s-subject">{t('ops.documents.subject')}</label>
          <input id="s-subject" value={form.subject} onChange={set('subject')} />
        </div>
        <div className="field">
          <label htmlFor="s-sender">{t('ops.documents.sender')}</label>
          <input id="s-sender" value={form.sender} onChange={set('sender')} placeholder="000.00.00.G22" />
        </div>
        <div className="field">
          <label htmlFor="s-recipient">{t('ops.documents.recipient')}</label>
          <input id="s-recipient" value={form.recipient} onChange={set('recipient')} />
        </div>
        <div className="field">
          <label htmlFor="s-state">{t('ops.state')}</label>
          <select id="s-state" value={form.state} onChange={set('state')}>
            <option value="">{t('ops.all')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {t(`ops.deliveryState.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-from">{t('ops.from')}</label>
          <input id="s-from" type="date" value={form.from} onChange={set('from')} />
        </div>
        <div className="field">
          <label htmlFor="s-to">{t('ops.to')}</label>
          <input id="s-to" type="date" value={form.to} onChange={set('to')} />
        </div>
        <div className="field">
          <button type="submit">{t('ops.search')}</button>
        </div>
      </form>
      {error && <ErrorBox error={error} onRetry={reload} />}
      {!data && !error && <p role="status">{t('app.loading')}</p>}
      {data && data.items.length === 0 && <p role="status">{t('ops.documents.none')}</p>}
      {data && data.items.length > 0 && (
        <table className="list" aria-label={t('ops.documents.title')}>
          <thead>
            <tr>
              <th scope="col">{t('col.number')}</th>
              <th scope="col">{t('col.subject')}</th>
              <th scope="col">{t('ops.documents.sender')}</th>
              <th scope="col">{t('ops.accepted')}</th>
              <th scope="col">{t('ops.documents.recipients')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((d) => (
              <tr key={d.docId} data-doc={d.docId}>
                <td className="num">
                  <Link to={`/tra-cuu/${d.docId}`}>{numberOf(d)}</Link>
                </td>
                <td>{d.subject ?? '—'}</td>
                <td>{d.senderName ?? d.sender}</td>
                <td>{formatDateTime(d.acceptedAt)}</td>
                <td>
                  {d.recipients.map((r) => (
                    <span key={r.code} className="badge status" title={r.code}>
                      {r.code}: {t(`ops.deliveryState.${r.state}` as MessageKey)}
                      {r.lastStatus ? ` · ${r.lastStatus}` : ''}
                    </span>
                  ))}
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

export function DocumentTracePage({ params }: { params: Record<string, string> }) {
  const docId = params.docId ?? '';
  const { t, formatDateTime } = useI18n();
  const path = `/ops/documents/${encodeURIComponent(docId)}`;
  const { data, error, reload } = useLoad(() => api.get<Trace>(path), path, { pollMs: 10_000 });
  const [preview, setPreview] = useState<number | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);
  const loaded = data?.docId;
  useEffect(() => {
    if (loaded) heading.current?.focus();
  }, [loaded]);
  if (error && !data) return <ErrorBox error={error} onRetry={reload} />;
  if (!data) return <p role="status">{t('app.loading')}</p>;
  const d = data;
  const url = (i: number, inline = false) => apiUrl(`${path}/attachments/${i}${inline ? '?inline=true' : ''}`);
  return (
    <>
      <p>
        <Link to="/tra-cuu">← {t('ops.documents.title')}</Link>
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {d.subject ?? numberOf(d)}
      </h1>
      <div className="doc-layout">
        <div>
          <section className="card" aria-labelledby="t-meta">
            <h2 id="t-meta">{t('doc.metadata')}</h2>
            <dl className="meta">
              <dt>{t('doc.number')}</dt>
              <dd data-testid="trace-number">{numberOf(d)}</dd>
              <dt>{t('doc.from')}</dt>
              <dd>
                {d.senderName ?? d.sender} (<code>{d.sender}</code>)
              </dd>
              <dt>{t('ops.accepted')}</dt>
              <dd>{formatDateTime(d.acceptedAt)}</dd>
              <dt>DocId</dt>
              <dd>
                <code>{d.docId}</code>
              </dd>
              <dt>{t('ops.xmlSignature')}</dt>
              <dd>
                {d.signature
                  ? `${t(`ops.sig.${d.signature.status}` as MessageKey)}${d.signature.signer ? ` — ${d.signature.signer.subject}` : ''}`
                  : t('ops.sig.unchecked')}
              </dd>
              {d.documentSignature && (
                <>
                  <dt>{t('ops.pdfSignature')}</dt>
                  <dd>{d.documentSignature.text}</dd>
                </>
              )}
              <dt>{t('ops.hops')}</dt>
              <dd>{d.traces.map((h) => h.organId).join(' → ')}</dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="t-att">
            <h2 id="t-att">{t('doc.attachments')}</h2>
            <ul className="plain attachments">
              {d.attachments.map((a) => (
                <li key={a.index}>
                  <a href={url(a.index)} download>
                    {a.name ?? `#${a.index}`}
                  </a>{' '}
                  <span className="muted">{a.size.toLocaleString('vi-VN')} B</span>
                  {a.signatures?.map((s) => (
                    <span key={`${a.index}-${s.status}-${s.signer?.subject ?? ''}`} className="badge status">
                      {t(`ops.sig.${s.status}` as MessageKey)}
                    </span>
                  ))}
                  {/pdf/i.test(a.contentType ?? '') && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => setPreview(preview === a.index ? undefined : a.index)}
                    >
                      {t('ops.preview')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
            {preview !== undefined && <iframe className="preview" title={t('ops.preview')} src={url(preview, true)} />}
          </section>
        </div>
        <section className="card" aria-labelledby="t-tl">
          <h2 id="t-tl">{t('ops.timeline')}</h2>
          {d.recipients.map((r) => (
            <div key={r.code} data-recipient={r.code}>
              <h3>
                {r.name ?? r.code} — {t(`ops.deliveryState.${r.state}` as MessageKey)}
              </h3>
              <ol className="timeline">
                <li>
                  <time dateTime={d.acceptedAt}>{formatDateTime(d.acceptedAt)}</time>
                  {t('ops.event.accepted')}
                </li>
                {[
                  ...r.events.map((e) => ({
                    at: e.at,
                    text: `${t(`ops.event.${e.kind}` as MessageKey)}${e.detail ? ` — ${e.detail}` : ''}`,
                  })),
                  ...r.statuses.map((s) => ({
                    at: s.at,
                    text: `${t('ops.event.status', { code: s.statusCode })}${s.description ? ` — ${s.description}` : ''}${s.staff ? ` (${s.staff})` : ''}`,
                  })),
                ]
                  .sort((a, b) => (a.at < b.at ? -1 : 1))
                  .map((e) => (
                    <li key={`${e.at}-${e.text}`}>
                      <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                      {e.text}
                    </li>
                  ))}
              </ol>
            </div>
          ))}
        </section>
      </div>
    </>
  );
}
