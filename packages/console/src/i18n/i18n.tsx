// The language switch: Vietnamese by default, English on demand, remembered in localStorage.

import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { en } from './en.js';
import { type MessageKey, type Messages, vi } from './vi.js';

export type Lang = 'vi' | 'en';
const DICTS: Record<Lang, Messages> = { vi, en };
const STORAGE_KEY = 'lienthong.lang';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  /** dates and times in the chosen language, Vietnam time */
  formatDateTime(d: string | Date): string;
  formatDate(d: string | Date): string;
}

const Ctx = createContext<I18n | undefined>(undefined);

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = DICTS[lang];
    const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
    const day = { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Asia/Ho_Chi_Minh' } as const;
    const dt = new Intl.DateTimeFormat(locale, { ...day, hour: '2-digit', minute: '2-digit', hour12: false });
    const d = new Intl.DateTimeFormat(locale, day);
    return {
      lang,
      setLang,
      t: (key, params) => {
        const text = dict[key] ?? vi[key] ?? key;
        return params ? text.replace(/\{(\w+)\}/g, (m, p: string) => (p in params ? String(params[p]) : m)) : text;
      },
      formatDateTime: (x) => dt.format(new Date(x)),
      formatDate: (x) => {
        // edXML dates are yyyy/MM/dd
        const s = typeof x === 'string' ? x.replace(/\//g, '-') : x;
        const date = new Date(s);
        return Number.isNaN(date.getTime()) ? String(x) : d.format(date);
      },
    };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

export function useT(): Translate {
  return useI18n().t;
}
