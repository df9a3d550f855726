#!/usr/bin/env node
// Committed shim so that npm can link the command before the TypeScript build has run.
try {
  await import('../dist/main.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    console.error('lienthong-hub: not built yet — run `npm run build` (or `npm start`) in the repository first');
    process.exit(2);
  }
  throw err;
}
