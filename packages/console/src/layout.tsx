// The frame of every signed-in page: skip link, header (title, navigation, agency and role, language,
// sign-out) and the main region.

import type { ReactNode } from 'react';
import { useI18n } from './i18n/i18n.js';
import { PAGES } from './pages/registry.js';
import { Link, matchPath, navigate, useLocation } from './router.js';
import { useMe, useSession } from './session.js';

export function Layout({ children }: { children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const me = useMe();
  const { signOut } = useSession();
  const { path } = useLocation();
  const nav = PAGES.filter((p) => p.nav && (p.roles.length === 0 || p.roles.includes(me.role))).sort(
    (a, b) => a.nav!.order - b.nav!.order,
  );
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="app-header">
        <div className="brand">
          <Link to="/" className="brand-link">
            {t('app.title')}
          </Link>
          <span className="brand-sub">{t('app.subtitle')}</span>
        </div>
        <nav aria-label={t('app.nav')} className="main-nav">
          <ul>
            {nav.map((p) => {
              const current = matchPath(p.path, path) !== undefined;
              return (
                <li key={p.path}>
                  <Link to={p.path} aria-current={current ? 'page' : undefined}>
                    {t(p.nav!.label)}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="account">
          <span className="who" data-testid="who">
            <strong>{me.displayName}</strong>
            <span>
              {t(`role.${me.role}`)}
              {me.agencyName ? ` · ${me.agencyName}` : me.agencyCode ? ` · ${me.agencyCode}` : ''}
            </span>
          </span>
          <label className="lang">
            <span className="visually-hidden">{t('lang.label')}</span>
            <select value={lang} onChange={(e) => setLang(e.target.value === 'en' ? 'en' : 'vi')}>
              <option value="vi">{t('lang.vi')}</option>
              <option value="en">{t('lang.en')}</option>
            </select>
          </label>
          <button
            type="button"
            className="secondary"
            onClick={async () => {
              await signOut();
              navigate('/dang-nhap', { replace: true });
            }}
          >
            {t('signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
