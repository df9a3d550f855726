import { defineConfig } from 'vite';

// The console is plain React with esbuild's automatic JSX runtime (no plugin needed for a production build).
// `npm run dev -w @lienthong/console` proxies the API to a hub on 127.0.0.1:8080.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/console/api': 'http://127.0.0.1:8080' },
  },
});
