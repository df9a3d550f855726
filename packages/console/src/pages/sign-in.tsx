import { type FormEvent, useRef, useState } from 'react';
import { ApiError } from '../api/console-api.js';
import { useI18n } from '../i18n/i18n.js';
import { useSession } from '../session.js';

export function SignInPage() {
  const { t, lang, setLang } = useI18n();
  const { signIn, lost } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const userRef = useRef<HTMLInputElement>(null);
  const passRef = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim()) {
      setError(t('signIn.required', { field: t('signIn.username').toLowerCase() }));
      userRef.current?.focus();
      return;
    }
    if (!password) {
      setError(t('signIn.required', { field: t('signIn.password').toLowerCase() }));
      passRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await signIn(username, password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        setError(
          t('signIn.throttled', { minutes: String(Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60))) }),
        );
      } else setError(err instanceof ApiError && err.status === 401 ? t('signIn.failed') : (err as Error).message);
      setPassword('');
      passRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <div className="sign-in-card">
        <div className="sign-in-lang">
          <label>
            <span className="visually-hidden">{t('lang.label')}</span>
            <select value={lang} onChange={(e) => setLang(e.target.value === 'en' ? 'en' : 'vi')}>
              <option value="vi">{t('lang.vi')}</option>
              <option value="en">{t('lang.en')}</option>
            </select>
          </label>
        </div>
        <p className="brand-big">{t('app.title')}</p>
        <h1>{t('signIn.title')}</h1>
        <p>{t('signIn.intro')}</p>
        {lost && !error && (
          <p className="notice" role="status">
            {t('session.lost')}
          </p>
        )}
        <form onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor="username">{t('signIn.username')}</label>
            <input
              ref={userRef}
              id="username"
              name="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-invalid={error !== undefined && !username.trim()}
              required
            />
          </div>
          <div className="field">
            <label htmlFor="password">{t('signIn.password')}</label>
            <input
              ref={passRef}
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </div>
          {error && (
            <p className="error" role="alert" id="sign-in-error">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy}>
            {busy ? t('signIn.busy') : t('signIn.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
