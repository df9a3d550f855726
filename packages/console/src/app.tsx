import { useEffect } from 'react';
import { useI18n } from './i18n/i18n.js';
import { Layout } from './layout.js';
import { PAGES } from './pages/registry.js';
import { SignInPage } from './pages/sign-in.js';
import { Link, matchPath, navigate, useLocation } from './router.js';
import { useSession } from './session.js';

export const SIGN_IN_PATH = '/dang-nhap';

export function App() {
  const { me } = useSession();
  const { path } = useLocation();
  const { t } = useI18n();

  useEffect(() => {
    if (me === null && path !== SIGN_IN_PATH) {
      const back = path === '/' ? '' : `?tiep=${encodeURIComponent(path + window.location.search)}`;
      navigate(`${SIGN_IN_PATH}${back}`, { replace: true });
    }
    if (me && (path === SIGN_IN_PATH || path === '/')) {
      const next = new URLSearchParams(window.location.search).get('tiep');
      const start = PAGES.filter((p) => p.nav && (p.roles.length === 0 || p.roles.includes(me.role))).sort(
        (a, b) => a.nav!.order - b.nav!.order,
      )[0];
      const target = next?.startsWith('/') && !next.startsWith('//') ? next : start?.path;
      if (target && target !== path) navigate(target, { replace: true });
    }
  }, [me, path]);

  if (me === undefined) {
    return (
      <p className="loading" role="status">
        {t('app.loading')}
      </p>
    );
  }
  if (me === null) return <SignInPage />;

  for (const page of PAGES) {
    const params = matchPath(page.path, path);
    if (!params) continue;
    if (page.roles.length > 0 && !page.roles.includes(me.role)) {
      return (
        <Layout>
          <p role="alert">{t('app.forbidden')}</p>
        </Layout>
      );
    }
    const Page = page.component;
    return (
      <Layout>
        <Page params={params} />
      </Layout>
    );
  }
  return (
    <Layout>
      {path === '/' ? (
        <p>{t('app.welcome', { name: me.displayName })}</p>
      ) : (
        <>
          <h1>{t('app.notFound')}</h1>
          <Link to="/">{t('app.home')}</Link>
        </>
      )}
    </Layout>
  );
}
