import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, apiUrl } from '../api/console-api.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/vi.js';
import { Link, useLocation } from '../router.js';
import { ErrorBox, useLoad } from '../use-load.js';
import { DueBadge, PriorityBadge, StatusBadge } from './badges.js';
import { type DocumentView, numberOf, type RecipientTimeline, type StatusCode } from './clerk-types.js';

const STATUS_BUTTONS: StatusCode[] = ['03', '04', '05', '06'];

function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function DocumentPage({ params }: { params: Record<string, string> }) {
  const docId = params.docId ?? '';
  const { t, formatDateTime, formatDate } = useI18n();
  const path = `/clerk/documents/${encodeURIComponent(docId)}`;
  const { data, error, reload } = useLoad(() => api.get<DocumentView>(path), path, { pollMs: 5_000 });
  const [preview, setPreview] = useState<number | undefined>();
  const justSent = useLocation().search.get('da-gui');
  const heading = useRef<HTMLHeadingElement>(null);
  const loadedId = data?.docId;
  useEffect(() => {
    if (loadedId) heading.current?.focus();
  }, [loadedId]);

  if (error && !data) return <ErrorBox error={error} onRetry={reload} />;
  if (!data) return <p role="status">{t('app.loading')}</p>;
  const d = data;
  const pdf = (a: DocumentView['attachments'][number]) =>
    /pdf/i.test(a.contentType ?? '') || /\.pdf$/i.test(a.name ?? '');
  const attachmentUrl = (i: number, inline = false) => apiUrl(`${path}/attachments/${i}${inline ? '?inline=1' : ''}`);

  return (
    <>
      <p>
        <Link to={d.direction === 'in' ? '/van-ban-den' : '/van-ban-di'}>← {t('doc.back')}</Link>
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {d.subject || t('doc.title', { number: numberOf(d) })}
      </h1>
      {justSent && d.direction === 'out' && (
        <p className="success" role="status">
          {t('compose.sent', { number: numberOf(d), count: justSent })}
        </p>
      )}
      <div className="doc-layout">
        <div>
          <section className="card" aria-labelledby="meta-h">
            <h2 id="meta-h">{t('doc.metadata')}</h2>
            <dl className="meta">
              <dt>{t('doc.number')}</dt>
              <dd data-testid="doc-number">{numberOf(d)}</dd>
              {d.docTypeName && (
                <>
                  <dt>{t('doc.type')}</dt>
                  <dd>{d.docTypeName}</dd>
                </>
              )}
              <dt>{t('doc.from')}</dt>
              <dd>{d.senderName ?? d.sender}</dd>
              {d.signerName && (
                <>
                  <dt>{t('doc.signer')}</dt>
                  <dd>{[d.signerName, d.signerPosition].filter(Boolean).join(' — ')}</dd>
                </>
              )}
              {d.promulgationDate && (
                <>
                  <dt>{t('doc.promulgated')}</dt>
                  <dd>{formatDate(d.promulgationDate)}</dd>
                </>
              )}
              <dt>{t('doc.priority')}</dt>
              <dd>{d.priority ? <PriorityBadge priority={d.priority} /> : t('priority.0')}</dd>
              {d.dueDate && (
                <>
                  <dt>{t('doc.due')}</dt>
                  <dd>
                    <DueBadge dueDate={d.dueDate} />
                  </dd>
                </>
              )}
              {d.businessType ? (
                <>
                  <dt>{t('doc.businessType')}</dt>
                  <dd>{t(`business.${d.businessType}` as MessageKey)}</dd>
                </>
              ) : null}
              <dt>{t('doc.accepted')}</dt>
              <dd>{formatDateTime(d.acceptedAt)}</dd>
              {(d.signature || d.documentSignature) && (
                <>
                  <dt>{t('doc.signature')}</dt>
                  <dd>
                    {d.signature && (
                      <span className={`badge status ${d.signature.status === 'valid' ? 'status-06' : ''}`}>
                        XML: {d.signature.status}
                      </span>
                    )}{' '}
                    {d.signature?.signer && <span>{d.signature.signer}</span>}
                    {d.documentSignature && <div>{d.documentSignature}</div>}
                  </dd>
                </>
              )}
            </dl>
            {d.related.length > 0 && (
              <>
                <h3>{t('doc.related')}</h3>
                <ul className="plain">
                  {d.related.map((r) => (
                    <li key={`${r.relation}-${r.docId}`}>
                      {t(`doc.relation.${r.relation}` as MessageKey)}:{' '}
                      <Link to={`/van-ban/${encodeURIComponent(r.docId)}`}>{r.docId}</Link>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>

          <section className="card" aria-labelledby="att-h">
            <h2 id="att-h">{t('doc.attachments')}</h2>
            {d.attachments.length === 0 && <p>{t('doc.noAttachments')}</p>}
            <ul className="plain attachments">
              {d.attachments.map((a) => {
                const name = a.name ?? `#${a.index + 1}`;
                return (
                  <li key={a.index}>
                    <a href={attachmentUrl(a.index)} download={name} aria-label={t('doc.download', { name })}>
                      {name}
                    </a>
                    <span className="code">{formatSize(a.size)}</span>
                    {pdf(a) && (
                      <button
                        type="button"
                        className="secondary"
                        aria-expanded={preview === a.index}
                        onClick={() => setPreview(preview === a.index ? undefined : a.index)}
                      >
                        {preview === a.index ? t('doc.hidePreview') : t('doc.preview', { name })}
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
            {preview !== undefined && (
              <iframe
                className="preview"
                title={t('doc.preview', { name: d.attachments[preview]?.name ?? '' })}
                src={attachmentUrl(preview, true)}
              />
            )}
          </section>
        </div>

        <div>
          {d.direction === 'in' && <StatusForm doc={d} onSent={reload} />}
          {d.direction === 'out' && <SentActions doc={d} onDone={reload} />}
          <section className="card" aria-labelledby="tl-h" data-testid="timeline">
            <h2 id="tl-h">{t('doc.timeline')}</h2>
            {d.recipients.map((r) => (
              <RecipientTimelineView key={r.code} r={r} showName={d.direction === 'out'} />
            ))}
          </section>
        </div>
      </div>
    </>
  );
}

function RecipientTimelineView({ r, showName }: { r: RecipientTimeline; showName: boolean }) {
  const { t, formatDateTime } = useI18n();
  const events = r.events
    .filter((e) => e.kind !== 'status')
    .map((e) => ({
      at: e.at,
      label: t(`doc.event.${e.kind}` as MessageKey) ?? e.kind,
      detail: e.detail,
      code: undefined,
    }));
  const statuses = r.statuses.map((s) => ({
    at: s.at,
    label: t(`status.${s.statusCode}` as MessageKey),
    detail: [s.description, s.staff].filter(Boolean).join(' — ') || undefined,
    code: s.statusCode,
  }));
  const all = [...events, ...statuses].sort((a, b) => a.at.localeCompare(b.at));
  const last = r.statuses.at(-1)?.statusCode;
  return (
    <div data-recipient={r.code}>
      {showName && (
        <h3>
          {r.name ?? r.code} <StatusBadge code={last} />
        </h3>
      )}
      {all.length === 0 ? (
        <p>{t('doc.noStatuses')}</p>
      ) : (
        <ol className="timeline">
          {all.map((e) => (
            <li key={`${e.at}-${e.label}-${e.code ?? ''}`} data-status={e.code ?? ''}>
              <time dateTime={e.at}>{formatDateTime(e.at)}</time>
              <strong>{e.label}</strong>
              {e.detail && <span> — {e.detail}</span>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function StatusForm({ doc, onSent }: { doc: DocumentView; onSent: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const mine = doc.recipients[0];
  const current = mine?.statuses.at(-1)?.statusCode;
  const withdrawn = mine?.state === 'withdrawn';

  const send = async (code: StatusCode) => {
    setMessage(undefined);
    setError(undefined);
    if (code === '02' && !reason.trim()) {
      setReasonError(t('doc.reasonRequired'));
      reasonRef.current?.focus();
      return;
    }
    setReasonError(undefined);
    setBusy(true);
    try {
      await api.post(`/clerk/documents/${encodeURIComponent(doc.docId)}/status`, {
        statusCode: code,
        ...(code === '02' ? { description: reason.trim() } : {}),
      });
      setMessage(t('doc.statusSent', { status: t(`status.${code}` as MessageKey) }));
      if (code === '02') setReason('');
      onSent();
    } catch (e) {
      if (e instanceof ApiError && e.field === 'description') setReasonError(e.message);
      else setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const refuse = (e: FormEvent) => {
    e.preventDefault();
    void send('02');
  };

  return (
    <section className="card" aria-labelledby="st-h">
      <h2 id="st-h">{t('doc.myStatus')}</h2>
      <p>
        <StatusBadge code={current} />
      </p>
      {!withdrawn && (
        <>
          <fieldset className="status-buttons">
            <legend className="visually-hidden">{t('doc.setStatus')}</legend>
            {STATUS_BUTTONS.map((code) => (
              <button key={code} type="button" disabled={busy} onClick={() => void send(code)} data-code={code}>
                {t(`status.${code}` as MessageKey)}
              </button>
            ))}
          </fieldset>
          <form onSubmit={refuse} noValidate>
            <div className="field">
              <label htmlFor="refuse-reason">{t('doc.reason')}</label>
              <textarea
                ref={reasonRef}
                id="refuse-reason"
                rows={2}
                maxLength={1000}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                aria-invalid={reasonError ? true : undefined}
                aria-describedby="refuse-help refuse-error"
              />
              <span className="help" id="refuse-help">
                {t('doc.reasonHelp')}
              </span>
              {reasonError && (
                <p className="field-error" id="refuse-error" role="alert">
                  {reasonError}
                </p>
              )}
            </div>
            <button type="submit" className="danger" disabled={busy} data-code="02">
              {t('status.02')}
            </button>
          </form>
        </>
      )}
      {message && (
        <p className="success" role="status">
          {message}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function SentActions({ doc, onDone }: { doc: DocumentView; onDone: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const revoked = doc.related.some((r) => r.relation === 'revoked-by');
  if (doc.businessType === 1) return null;
  const revoke = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setReasonError(t('doc.reasonRequired'));
      return;
    }
    if (!window.confirm(t('doc.revokeConfirm'))) return;
    setBusy(true);
    try {
      await api.post(`/clerk/documents/${encodeURIComponent(doc.docId)}/revoke`, { reason: reason.trim() });
      setMessage(t('doc.revoked'));
      setReasonError(undefined);
      onDone();
    } catch (err) {
      setReasonError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const q = encodeURIComponent(doc.docId);
  return (
    <section className="card" aria-labelledby="act-h">
      <h2 id="act-h">{t('doc.actions')}</h2>
      <p className="toolbar">
        <Link className="button secondary" to={`/soan-thao?cap-nhat=${q}`}>
          {t('doc.updateRecipients')}
        </Link>
        <Link className="button secondary" to={`/soan-thao?thay-the=${q}`}>
          {t('doc.replace')}
        </Link>
      </p>
      {!revoked && (
        <form onSubmit={revoke} noValidate>
          <div className="field">
            <label htmlFor="revoke-reason">{t('doc.revokeReason')}</label>
            <textarea
              id="revoke-reason"
              rows={2}
              maxLength={1000}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby="revoke-error"
            />
            {reasonError && (
              <p className="field-error" id="revoke-error" role="alert">
                {reasonError}
              </p>
            )}
          </div>
          <button type="submit" className="danger" disabled={busy}>
            {t('doc.revoke')}
          </button>
        </form>
      )}
      {message && (
        <p className="success" role="status">
          {message}
        </p>
      )}
    </section>
  );
}
