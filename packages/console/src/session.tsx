// Who is signed in. Loaded once from GET /console/api/session; a 401 anywhere signs the app out.

import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { signIn as apiSignIn, signOut as apiSignOut, fetchMe, type Me, onSessionLost } from './api/console-api.js';

interface SessionState {
  /** undefined while loading; null when signed out */
  me: Me | null | undefined;
  /** the session ended on its own (expiry): the sign-in page says so */
  lost: boolean;
  signIn(username: string, password: string): Promise<Me>;
  signOut(): Promise<void>;
}

const Ctx = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [lost, setLost] = useState(false);
  useEffect(() => {
    onSessionLost(() => {
      setMe(null);
      setLost(true);
    });
    fetchMe().then(
      (m) => setMe(m ?? null),
      () => setMe(null),
    );
  }, []);
  const signIn = useCallback(async (u: string, p: string) => {
    const m = await apiSignIn(u, p);
    setLost(false);
    setMe(m);
    return m;
  }, []);
  const signOut = useCallback(async () => {
    try {
      await apiSignOut();
    } finally {
      setMe(null);
    }
  }, []);
  return <Ctx.Provider value={{ me, lost, signIn, signOut }}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The signed-in account (pages are only rendered when there is one). */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a session');
  return me;
}
