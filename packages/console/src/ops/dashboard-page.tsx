import { type FormEvent, useMemo, useState } from 'react';
import { api } from '../api/console-api.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/vi.js';
import { ErrorBox, useLoad } from '../use-load.js';
import { Chart, type ChartOption } from './chart.js';
import type { Dashboard } from './ops-types.js';

const PRESETS = ['today', '7d', '30d', 'month', 'year'] as const;
const LEVEL_COLORS = ['#7a7a7a', '#0b5cad', '#2e8540', '#b35c00', '#8e3b8e'];

export const levelKey = (level: number) => `ops.level.${Math.min(Math.max(level, 0), 4)}` as MessageKey;

interface Filters {
  preset: string;
  from: string;
  to: string;
  level: string;
  agency: string;
  hub: string;
}

function query(f: Filters): string {
  const q = new URLSearchParams();
  if (f.from || f.to) {
    if (f.from) q.set('from', f.from);
    if (f.to) q.set('to', f.to);
  } else q.set('preset', f.preset);
  if (f.level) q.set('level', f.level);
  if (f.agency.trim()) q.set('agency', f.agency.trim());
  if (f.hub.trim()) q.set('hub', f.hub.trim());
  return q.toString();
}

export function DashboardPage() {
  const { t, formatDateTime } = useI18n();
  const [draft, setDraft] = useState<Filters>({ preset: 'year', from: '', to: '', level: '', agency: '', hub: '' });
  const [applied, setApplied] = useState<Filters>(draft);
  const path = `/ops/dashboard?${query(applied)}`;
  const { data, error, reload } = useLoad(() => api.get<Dashboard>(path), path, { pollMs: 5_000 });
  const n = (x: number) => x.toLocaleString('vi-VN');

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied(draft);
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });

  const traffic = useMemo<ChartOption | undefined>(() => {
    if (!data) return undefined;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 40, bottom: 28 },
      xAxis: { type: 'category', data: data.series.buckets },
      yAxis: { type: 'value' },
      series: data.series.byLevel.flatMap((l) => [
        {
          name: `${t('ops.sent')} — ${t(levelKey(l.level))}`,
          type: 'bar',
          stack: 'sent',
          color: LEVEL_COLORS[l.level],
          data: l.sent,
        },
        {
          name: `${t('ops.received')} — ${t(levelKey(l.level))}`,
          type: 'line',
          color: LEVEL_COLORS[l.level],
          data: l.received,
        },
      ]),
    };
  }, [data, t]);
  const levels = useMemo<ChartOption | undefined>(() => {
    if (!data) return undefined;
    return {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['40%', '70%'],
          data: data.agenciesByLevel.map((l) => ({
            name: t(levelKey(l.level)),
            value: l.agencies,
            itemStyle: { color: LEVEL_COLORS[l.level] },
          })),
        },
      ],
    };
  }, [data, t]);
  const topChart = (list: Dashboard['top']['senders'], color: string): ChartOption => ({
    tooltip: { trigger: 'axis' },
    grid: { left: 200, right: 24, top: 8, bottom: 24 },
    xAxis: { type: 'value' },
    yAxis: {
      type: 'category',
      inverse: true,
      data: list.map((a) => a.name),
      axisLabel: { width: 190, overflow: 'truncate' },
    },
    series: [{ type: 'bar', color, data: list.map((a) => a.count) }],
  });
  const live = useMemo<ChartOption | undefined>(() => {
    if (!data) return undefined;
    return {
      grid: { left: 40, right: 8, top: 8, bottom: 20 },
      xAxis: { type: 'category', show: false, data: data.live.perSecond.map((_, i) => i) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'line', areaStyle: {}, showSymbol: false, color: '#0b5cad', data: data.live.perSecond }],
    };
  }, [data]);

  return (
    <>
      <div className="toolbar">
        <h1>{t('ops.dashboard.title')}</h1>
        {data && (
          <span className="muted" role="status">
            {t('ops.dashboard.asOf', { time: formatDateTime(data.generatedAt) })}
            {data.lag > 0 && ` — ${t('ops.dashboard.lag', { count: data.lag })}`}
          </span>
        )}
      </div>
      <form className="card filters" onSubmit={apply} aria-label={t('ops.filters')}>
        <div className="field">
          <label htmlFor="f-preset">{t('ops.period')}</label>
          <select id="f-preset" value={draft.preset} onChange={set('preset')} disabled={!!(draft.from || draft.to)}>
            {PRESETS.map((p) => (
              <option key={p} value={p}>
                {t(`ops.preset.${p}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-from">{t('ops.from')}</label>
          <input id="f-from" type="date" value={draft.from} onChange={set('from')} />
        </div>
        <div className="field">
          <label htmlFor="f-to">{t('ops.to')}</label>
          <input id="f-to" type="date" value={draft.to} onChange={set('to')} />
        </div>
        <div className="field">
          <label htmlFor="f-level">{t('ops.level')}</label>
          <select id="f-level" value={draft.level} onChange={set('level')}>
            <option value="">{t('ops.all')}</option>
            {[1, 2, 3, 4, 0].map((l) => (
              <option key={l} value={l}>
                {t(levelKey(l))}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-agency">{t('ops.agencyCode')}</label>
          <input id="f-agency" value={draft.agency} onChange={set('agency')} placeholder="000.00.00.H53" />
        </div>
        <div className="field">
          <label htmlFor="f-hub">{t('ops.hub')}</label>
          <input id="f-hub" value={draft.hub} onChange={set('hub')} placeholder={data?.hubId ?? ''} />
        </div>
        <div className="field">
          <button type="submit">{t('ops.apply')}</button>
        </div>
      </form>
      {error && <ErrorBox error={error} onRetry={reload} />}
      {!data && !error && <p role="status">{t('app.loading')}</p>}
      {data && (
        <>
          <ul className="kpis" aria-label={t('ops.kpis')}>
            <li data-testid="kpi-connected">
              <strong>
                {n(data.kpis.connected)}/{n(data.kpis.agencies)}
              </strong>
              <span>{t('ops.kpi.connected')}</span>
            </li>
            <li data-testid="kpi-sent">
              <strong>{n(data.kpis.sent)}</strong>
              <span>{t('ops.kpi.sent')}</span>
            </li>
            <li data-testid="kpi-received">
              <strong>{n(data.kpis.received)}</strong>
              <span>{t('ops.kpi.received')}</span>
            </li>
            <li>
              <strong>
                {n(data.kpis.signingAgencies)}/{n(data.kpis.agencies)}
              </strong>
              <span>{t('ops.kpi.signing')}</span>
            </li>
            <li>
              <strong>{n(data.kpis.fiveStatusesOrMore)}</strong>
              <span>{t('ops.kpi.fiveStatuses')}</span>
            </li>
            <li className={data.kpis.overdueAcks > 0 ? 'warn' : undefined}>
              <strong>{n(data.kpis.overdueAcks)}</strong>
              <span>{t('ops.kpi.overdue', { hours: data.overdue.deadlineHours })}</span>
            </li>
          </ul>
          <div className="grid-ops">
            <section className="card wide" aria-labelledby="h-traffic">
              <h2 id="h-traffic">{t(data.period.bucket === 'day' ? 'ops.traffic.day' : 'ops.traffic.month')}</h2>
              {traffic && (
                <Chart
                  option={traffic}
                  label={t('ops.traffic.day')}
                  summary={t('ops.traffic.summary', {
                    sent: n(data.kpis.sent),
                    received: n(data.kpis.received),
                    from: data.period.from,
                    to: data.period.to,
                  })}
                  height={300}
                />
              )}
            </section>
            <section className="card" aria-labelledby="h-levels">
              <h2 id="h-levels">{t('ops.byLevel')}</h2>
              {levels && (
                <Chart
                  option={levels}
                  label={t('ops.byLevel')}
                  summary={data.agenciesByLevel
                    .map((l) => `${t(levelKey(l.level))}: ${l.connected}/${l.agencies}`)
                    .join('; ')}
                />
              )}
              <table className="list compact">
                <thead>
                  <tr>
                    <th scope="col">{t('ops.level')}</th>
                    <th scope="col">{t('ops.kpi.connected')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.agenciesByLevel.map((l) => (
                    <tr key={l.level}>
                      <td>{t(levelKey(l.level))}</td>
                      <td className="num">
                        {l.connected}/{l.agencies}
                      </td>
                    </tr>
                  ))}
                  {data.agenciesByHub.map((h) => (
                    <tr key={h.hub}>
                      <td>
                        {t('ops.hub')} {h.hub}
                      </td>
                      <td className="num">
                        {h.connected}/{h.agencies}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="card" aria-labelledby="h-live">
              <h2 id="h-live">{t('ops.live')}</h2>
              <p>{t('ops.live.lastMinute', { count: n(data.live.lastMinute) })}</p>
              {live && (
                <Chart
                  option={live}
                  label={t('ops.live')}
                  summary={t('ops.live.lastMinute', { count: data.live.lastMinute })}
                  height={140}
                />
              )}
              <h3>{t('ops.links')}</h3>
              {data.links.length === 0 ? (
                <p>{t('ops.links.none')}</p>
              ) : (
                <ul>
                  {data.links.map((l) => (
                    <li key={l.hubId}>
                      {t('ops.links.row', {
                        hub: l.hubId,
                        queue: n(l.queueDepth),
                        dead: n(l.dead),
                        errors: `${Math.round(l.errorRate * 100)} %`,
                      })}
                    </li>
                  ))}
                </ul>
              )}
              <h3>{t('ops.deadLetters')}</h3>
              <p>
                {t('ops.deadLetters.row', { dead: n(data.deadLetters.count), pending: n(data.deadLetters.pending) })}
              </p>
            </section>
            <section className="card" aria-labelledby="h-top-s">
              <h2 id="h-top-s">{t('ops.topSenders')}</h2>
              {data.top.senders.length ? (
                <Chart
                  option={topChart(data.top.senders, '#0b5cad')}
                  label={t('ops.topSenders')}
                  summary={data.top.senders.map((a) => `${a.name}: ${a.count}`).join('; ')}
                />
              ) : (
                <p>{t('ops.none')}</p>
              )}
            </section>
            <section className="card" aria-labelledby="h-top-r">
              <h2 id="h-top-r">{t('ops.topReceivers')}</h2>
              {data.top.receivers.length ? (
                <Chart
                  option={topChart(data.top.receivers, '#2e8540')}
                  label={t('ops.topReceivers')}
                  summary={data.top.receivers.map((a) => `${a.name}: ${a.count}`).join('; ')}
                />
              ) : (
                <p>{t('ops.none')}</p>
              )}
            </section>
            <section className="card" aria-labelledby="h-sig">
              <h2 id="h-sig">{t('ops.signatures')}</h2>
              <div className="scroll">
                <table className="list compact">
                  <thead>
                    <tr>
                      <th scope="col">{t('ops.agency')}</th>
                      <th scope="col">{t('ops.signedShare')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.signatures.map((s) => (
                      <tr key={s.code}>
                        <td>{s.name}</td>
                        <td className="num">
                          <meter min={0} max={1} value={s.share} aria-label={`${Math.round(s.share * 100)} %`} />{' '}
                          {Math.round(s.share * 100)} % ({n(s.signed)}/{n(s.sent)})
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
            <section className="card" aria-labelledby="h-st">
              <h2 id="h-st">{t('ops.fewerThanFive', { count: data.statuses.fewerThanFive.length })}</h2>
              <div className="scroll">
                <table className="list compact">
                  <thead>
                    <tr>
                      <th scope="col">{t('ops.agency')}</th>
                      <th scope="col">{t('ops.distinctStatuses')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.statuses.fewerThanFive.map((s) => (
                      <tr key={s.code}>
                        <td>{s.name}</td>
                        <td className="num">{s.distinct}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
            <section className="card" aria-labelledby="h-od">
              <h2 id="h-od">{t('ops.overdue', { hours: data.overdue.deadlineHours })}</h2>
              {data.overdue.byRecipient.length === 0 ? (
                <p>{t('ops.none')}</p>
              ) : (
                <table className="list compact">
                  <thead>
                    <tr>
                      <th scope="col">{t('ops.agency')}</th>
                      <th scope="col">{t('ops.count')}</th>
                      <th scope="col">{t('ops.oldest')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.overdue.byRecipient.map((r) => (
                      <tr key={r.code}>
                        <td>{r.name}</td>
                        <td className="num">{n(r.count)}</td>
                        <td>{formatDateTime(r.oldest)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
        </>
      )}
    </>
  );
}
