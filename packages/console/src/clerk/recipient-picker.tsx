// Recipients chosen from the directory tree (children loaded when a branch opens), a search, or a typed code.

import { useEffect, useId, useState } from 'react';
import { api } from '../api/console-api.js';
import { useI18n } from '../i18n/i18n.js';
import type { AgencyNode } from './clerk-types.js';

export interface Chosen {
  code: string;
  name?: string;
}

interface Props {
  value: Chosen[];
  onChange(v: Chosen[]): void;
  error?: string;
  exclude?: string;
}

export function RecipientPicker({ value, onChange, error, exclude }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<AgencyNode[]>([]);
  const [typed, setTyped] = useState('');
  const chosen = new Set(value.map((v) => v.code));
  const toggle = (a: { code: string; name?: string }) =>
    onChange(chosen.has(a.code) ? value.filter((v) => v.code !== a.code) : [...value, { code: a.code, name: a.name }]);

  useEffect(() => {
    const needle = q.trim();
    if (needle.length < 2) {
      setHits([]);
      return;
    }
    const timer = setTimeout(() => {
      api.get<{ items: AgencyNode[] }>(`/clerk/directory?q=${encodeURIComponent(needle)}`).then(
        (r) => setHits(r.items.filter((a) => a.code !== exclude)),
        () => setHits([]),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [q, exclude]);

  return (
    <fieldset className="field" aria-describedby={`${id}-help ${id}-error`}>
      <legend>{t('compose.recipients')}</legend>
      <span className="help" id={`${id}-help`}>
        {t('compose.recipientsHelp')}
      </span>
      {value.length === 0 ? (
        <p className="help">{t('compose.noRecipients')}</p>
      ) : (
        <ul className="recipients-chosen" aria-label={t('compose.recipients')} data-testid="chosen-recipients">
          {value.map((v) => (
            <li key={v.code} className="chip" data-code={v.code}>
              {v.name ?? v.code}
              <button
                type="button"
                className="secondary"
                aria-label={t('compose.removeRecipient', { name: v.name ?? v.code })}
                onClick={() => toggle(v)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert" data-field="recipients">
          {error}
        </p>
      )}
      <div className="grid-2">
        <div className="field">
          <label htmlFor={`${id}-q`}>{t('compose.recipientSearch')}</label>
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
          {hits.length > 0 && (
            <ul className="plain tree">
              {hits.map((a) => (
                <li key={a.code} className="row">
                  <label>
                    <input type="checkbox" checked={chosen.has(a.code)} onChange={() => toggle(a)} /> {a.name}{' '}
                    <span className="code">{a.code}</span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-code`}>{t('compose.recipientCode')}</label>
          <div className="toolbar">
            <input
              id={`${id}-code`}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  if (typed.trim() && !chosen.has(typed.trim())) onChange([...value, { code: typed.trim() }]);
                  setTyped('');
                }
              }}
              placeholder="000.00.00.H41"
            />
            <button
              type="button"
              className="secondary"
              onClick={() => {
                if (typed.trim() && !chosen.has(typed.trim())) onChange([...value, { code: typed.trim() }]);
                setTyped('');
              }}
            >
              {t('compose.addRecipient')}
            </button>
          </div>
        </div>
      </div>
      <fieldset className="tree">
        <legend className="visually-hidden">{t('compose.directory')}</legend>
        <Branch parent="" chosen={chosen} toggle={toggle} exclude={exclude} />
      </fieldset>
    </fieldset>
  );
}

function Branch({
  parent,
  chosen,
  toggle,
  exclude,
}: {
  parent: string;
  chosen: Set<string>;
  toggle(a: AgencyNode): void;
  exclude?: string;
}) {
  const { t } = useI18n();
  const [items, setItems] = useState<AgencyNode[] | undefined>();
  const [open, setOpen] = useState<Set<string>>(new Set());
  useEffect(() => {
    api.get<{ items: AgencyNode[] }>(`/clerk/directory${parent ? `?parent=${encodeURIComponent(parent)}` : ''}`).then(
      (r) => setItems(r.items),
      () => setItems([]),
    );
  }, [parent]);
  if (!items) return <p role="status">{t('app.loading')}</p>;
  return (
    <ul>
      {items.map((a) => (
        <li key={a.code}>
          <div className="row">
            {a.hasChildren ? (
              <button
                type="button"
                className="toggle"
                aria-expanded={open.has(a.code)}
                aria-label={t(open.has(a.code) ? 'compose.collapse' : 'compose.expand', { name: a.name })}
                onClick={() => {
                  const next = new Set(open);
                  if (next.has(a.code)) next.delete(a.code);
                  else next.add(a.code);
                  setOpen(next);
                }}
              >
                {open.has(a.code) ? '−' : '+'}
              </button>
            ) : (
              <span className="toggle" aria-hidden="true" />
            )}
            <label>
              <input
                type="checkbox"
                checked={chosen.has(a.code)}
                disabled={a.code === exclude}
                onChange={() => toggle(a)}
                data-code={a.code}
              />{' '}
              {a.name} <span className="code">{a.code}</span>
            </label>
          </div>
          {open.has(a.code) && <Branch parent={a.code} chosen={chosen} toggle={toggle} exclude={exclude} />}
        </li>
      ))}
    </ul>
  );
}
