import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api/console-api.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/vi.js';
import { Link, navigate } from '../router.js';
import { useMe } from '../session.js';
import { ErrorBox, useLoad } from '../use-load.js';
import { levelKey } from './dashboard-page.js';
import type { Agency, AgencyHealth, Certificate, Credentials } from './ops-types.js';

const canWrite = (role: string | undefined) => role === 'national_operator' || role === 'provincial_operator';

export function AgenciesPage() {
  const { t, formatDateTime } = useI18n();
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const path = `/ops/agencies${applied ? `?search=${encodeURIComponent(applied)}` : ''}`;
  const { data, error, reload } = useLoad(() => api.get<{ items: Agency[] }>(path), path);
  const me = useMe();
  return (
    <>
      <div className="toolbar">
        <h1>{t('ops.agencies.title')}</h1>
        {canWrite(me.role) && (
          <Link className="button" to="/co-quan/moi">
            {t('ops.agencies.new')}
          </Link>
        )}
      </div>
      <form
        className="card filters"
        aria-label={t('ops.agencies.search')}
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(search.trim());
        }}
      >
        <div className="field">
          <label htmlFor="a-search">{t('ops.agencies.search')}</label>
          <input id="a-search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field">
          <button type="submit">{t('ops.search')}</button>
        </div>
      </form>
      {error && <ErrorBox error={error} onRetry={reload} />}
      {!data && !error && <p role="status">{t('app.loading')}</p>}
      {data && (
        <table className="list" aria-label={t('ops.agencies.title')}>
          <thead>
            <tr>
              <th scope="col">{t('ops.agencyCode')}</th>
              <th scope="col">{t('ops.agency')}</th>
              <th scope="col">{t('ops.level')}</th>
              <th scope="col">{t('ops.state')}</th>
              <th scope="col">{t('ops.lastSeen')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((a) => (
              <tr key={a.code}>
                <td className="num">
                  <Link to={`/co-quan/${encodeURIComponent(a.code)}`}>{a.code}</Link>
                </td>
                <td>{a.name}</td>
                <td>{t(levelKey(a.level))}</td>
                <td>{a.enabled ? t('ops.enabled') : <span className="badge status-06">{t('ops.disabled')}</span>}</td>
                <td>{a.lastSeen ? formatDateTime(a.lastSeen) : t('ops.never')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

interface FormState {
  code: string;
  name: string;
  email: string;
  phone: string;
  fax: string;
}

function fieldError(err: ApiError | undefined, field: string): string | undefined {
  return err && err.field === field ? err.message : undefined;
}

/** the secrets of new credentials or a certificate, shown once */
function Secrets({
  credentials,
  certificate,
  onClose,
}: {
  credentials?: Credentials;
  certificate?: Certificate;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card secrets" role="dialog" aria-modal="false" aria-labelledby="secrets-h">
      <h2 id="secrets-h" ref={heading} tabIndex={-1}>
        {t('ops.secrets.title')}
      </h2>
      <p className="notice">{t('ops.secrets.once')}</p>
      {credentials && (
        <dl className="meta">
          <dt>{t('ops.secrets.systemId')}</dt>
          <dd>
            <code>{credentials.systemId}</code>
          </dd>
          <dt>{t('ops.secrets.vxpSecret')}</dt>
          <dd>
            <code data-testid="vxp-secret">{credentials.vxpSecret}</code>
          </dd>
          <dt>{t('ops.secrets.apiKey')}</dt>
          <dd>
            <code data-testid="api-key">{credentials.apiKey}</code>
          </dd>
        </dl>
      )}
      {certificate && (
        <>
          <p>{t('ops.secrets.certificate', { serial: certificate.serialNumber, notAfter: certificate.notAfter })}</p>
          <label htmlFor="cert-pem">{t('ops.secrets.certificatePem')}</label>
          <textarea id="cert-pem" readOnly rows={6} value={certificate.certificate} />
          <label htmlFor="key-pem">{t('ops.secrets.privateKey')}</label>
          <textarea id="key-pem" readOnly rows={5} value={certificate.privateKey} />
        </>
      )}
      <button type="button" onClick={onClose}>
        {t('ops.secrets.done')}
      </button>
    </section>
  );
}

export function AgencyNewPage() {
  const { t } = useI18n();
  const [form, setForm] = useState<FormState>({ code: '', name: '', email: '', phone: '', fax: '' });
  const [err, setErr] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ agency: Agency; credentials: Credentials } | undefined>();
  const set = (k: keyof FormState) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErr(undefined);
    try {
      const body = Object.fromEntries(
        Object.entries(form)
          .filter(([, v]) => v.trim() !== '')
          .map(([k, v]) => [k, v.trim()]),
      );
      setCreated(await api.post('/ops/agencies', body));
    } catch (x) {
      setErr(x instanceof ApiError ? x : new ApiError(0, 'error', String(x)));
    } finally {
      setBusy(false);
    }
  };
  if (created) {
    return (
      <>
        <h1>{created.agency.name}</h1>
        <Secrets
          credentials={created.credentials}
          onClose={() => navigate(`/co-quan/${encodeURIComponent(created.agency.code)}`)}
        />
      </>
    );
  }
  const fields: Array<[keyof FormState, MessageKey, string]> = [
    ['code', 'ops.agencyCode', 'text'],
    ['name', 'ops.agencyName', 'text'],
    ['email', 'ops.email', 'email'],
    ['phone', 'ops.phone', 'tel'],
    ['fax', 'ops.fax', 'tel'],
  ];
  return (
    <>
      <p>
        <Link to="/co-quan">← {t('ops.agencies.title')}</Link>
      </p>
      <h1>{t('ops.agencies.new')}</h1>
      <form className="card" onSubmit={submit} noValidate>
        {err && !fields.some(([k]) => err.field === k) && (
          <p className="error" role="alert">
            {err.message}
          </p>
        )}
        {fields.map(([k, label, type]) => {
          const message = fieldError(err, k);
          return (
            <div className="field" key={k}>
              <label htmlFor={`n-${k}`}>
                {t(label)}
                {(k === 'code' || k === 'name') && ' *'}
              </label>
              <input
                id={`n-${k}`}
                type={type}
                value={form[k]}
                onChange={set(k)}
                required={k === 'code' || k === 'name'}
                aria-invalid={message ? true : undefined}
                aria-describedby={message ? `n-${k}-err` : undefined}
              />
              {message && (
                <p className="field-error" id={`n-${k}-err`}>
                  {message}
                </p>
              )}
            </div>
          );
        })}
        <button type="submit" disabled={busy}>
          {t('ops.agencies.register')}
        </button>
      </form>
    </>
  );
}

export function AgencyPage({ params }: { params: Record<string, string> }) {
  const code = params.code ?? '';
  const { t, formatDateTime } = useI18n();
  const me = useMe();
  const path = `/ops/agencies/${encodeURIComponent(code)}`;
  const agency = useLoad(() => api.get<Agency>(path), path);
  const health = useLoad(() => api.get<AgencyHealth>(`${path}/health`), `${path}/health`, { pollMs: 10_000 });
  const [edit, setEdit] = useState<{ name: string; email: string; phone: string } | undefined>();
  const [err, setErr] = useState<ApiError | undefined>();
  const [secrets, setSecrets] = useState<{ credentials?: Credentials; certificate?: Certificate } | undefined>();
  const [confirm, setConfirm] = useState<'rotate' | 'certificate' | 'disable' | undefined>();
  const write = canWrite(me.role);

  const run = async (fn: () => Promise<void>) => {
    setErr(undefined);
    try {
      await fn();
    } catch (x) {
      setErr(x instanceof ApiError ? x : new ApiError(0, 'error', String(x)));
    }
  };
  if (agency.error && !agency.data) return <ErrorBox error={agency.error} onRetry={agency.reload} />;
  if (!agency.data) return <p role="status">{t('app.loading')}</p>;
  const a = agency.data;
  const h = health.data;
  return (
    <>
      <p>
        <Link to="/co-quan">← {t('ops.agencies.title')}</Link>
      </p>
      <h1>{a.name}</h1>
      {err && !edit && (
        <p className="error" role="alert">
          {err.message}
        </p>
      )}
      {secrets && <Secrets {...secrets} onClose={() => setSecrets(undefined)} />}
      <div className="doc-layout">
        <section className="card" aria-labelledby="a-meta">
          <h2 id="a-meta">{t('ops.agency')}</h2>
          {!edit ? (
            <dl className="meta">
              <dt>{t('ops.agencyCode')}</dt>
              <dd>
                <code>{a.code}</code>
              </dd>
              <dt>{t('ops.level')}</dt>
              <dd>{t(levelKey(a.level))}</dd>
              <dt>{t('ops.state')}</dt>
              <dd>{a.enabled ? t('ops.enabled') : t('ops.disabled')}</dd>
              <dt>{t('ops.email')}</dt>
              <dd>{a.email ?? '—'}</dd>
              <dt>{t('ops.phone')}</dt>
              <dd>{a.phone ?? '—'}</dd>
            </dl>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void run(async () => {
                  await api.patch(path, {
                    name: edit.name.trim(),
                    email: edit.email.trim() || null,
                    phone: edit.phone.trim() || null,
                  });
                  setEdit(undefined);
                  await agency.reload();
                });
              }}
              noValidate
            >
              {(['name', 'email', 'phone'] as const).map((k) => {
                const message = fieldError(err, k);
                return (
                  <div className="field" key={k}>
                    <label htmlFor={`e-${k}`}>
                      {t(k === 'name' ? 'ops.agencyName' : k === 'email' ? 'ops.email' : 'ops.phone')}
                    </label>
                    <input
                      id={`e-${k}`}
                      value={edit[k]}
                      onChange={(e) => setEdit({ ...edit, [k]: e.target.value })}
                      aria-invalid={message ? true : undefined}
                      aria-describedby={message ? `e-${k}-err` : undefined}
                    />
                    {message && (
                      <p className="field-error" id={`e-${k}-err`}>
                        {message}
                      </p>
                    )}
                  </div>
                );
              })}
              {err && !['name', 'email', 'phone'].includes(err.field ?? '') && <p className="error">{err.message}</p>}
              <button type="submit">{t('ops.save')}</button>{' '}
              <button type="button" className="secondary" onClick={() => setEdit(undefined)}>
                {t('ops.cancel')}
              </button>
            </form>
          )}
          {write && !edit && (
            <div className="status-buttons">
              <button
                type="button"
                className="secondary"
                onClick={() => setEdit({ name: a.name, email: a.email ?? '', phone: a.phone ?? '' })}
              >
                {t('ops.edit')}
              </button>
              {!a.tenantId && (
                <button type="button" className="secondary" onClick={() => setConfirm('rotate')}>
                  {t('ops.rotate')}
                </button>
              )}
              <button type="button" className="secondary" onClick={() => setConfirm('certificate')}>
                {t('ops.certificate')}
              </button>
              {a.enabled ? (
                <button type="button" className="danger" onClick={() => setConfirm('disable')}>
                  {t('ops.disable')}
                </button>
              ) : (
                <button
                  type="button"
                  onClick={() =>
                    void run(async () => {
                      await api.post(`${path}/enable`);
                      await agency.reload();
                    })
                  }
                >
                  {t('ops.enable')}
                </button>
              )}
            </div>
          )}
          {confirm && (
            <div className="card" role="alertdialog" aria-labelledby="confirm-h">
              <p id="confirm-h">{t(`ops.confirm.${confirm}` as MessageKey, { name: a.name })}</p>
              <button
                type="button"
                onClick={() =>
                  void run(async () => {
                    const what = confirm;
                    setConfirm(undefined);
                    if (what === 'rotate')
                      setSecrets({ credentials: await api.post<Credentials>(`${path}/credentials`) });
                    else if (what === 'certificate')
                      setSecrets({ certificate: await api.post<Certificate>(`${path}/certificate`) });
                    else {
                      await api.post(`${path}/disable`);
                      await agency.reload();
                    }
                  })
                }
              >
                {t('ops.confirm')}
              </button>{' '}
              <button type="button" className="secondary" onClick={() => setConfirm(undefined)}>
                {t('ops.cancel')}
              </button>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby="a-health">
          <h2 id="a-health">{t('ops.health')}</h2>
          {!h ? (
            <p role="status">{t('app.loading')}</p>
          ) : (
            <>
              <dl className="meta">
                <dt>{t('ops.lastSeen')}</dt>
                <dd>{h.lastSeen ? formatDateTime(h.lastSeen) : t('ops.never')}</dd>
                <dt>{t('ops.pending')}</dt>
                <dd>{t('ops.pendingCounts', { edoc: h.pending.edoc, status: h.pending.status })}</dd>
                <dt>{t('ops.overdueShort')}</dt>
                <dd>{h.overdue}</dd>
                <dt>{t('ops.errors')}</dt>
                <dd>{t('ops.errorCounts', { client: h.errors.clientErrors, server: h.errors.serverErrors })}</dd>
              </dl>
              {h.errors.recent.length > 0 && (
                <ul className="plain">
                  {h.errors.recent.map((e) => (
                    <li key={`${e.at}${e.route}`}>
                      <time dateTime={e.at}>{formatDateTime(e.at)}</time> {e.status} {e.method} {e.route}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </section>
      </div>
    </>
  );
}
