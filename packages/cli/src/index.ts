// @lienthong/cli: the `lienthong` command. `main.ts` is the executable; this is for embedding and tests.
export { createProgram, run } from './program.js';
export { EXIT_OK, EXIT_REFUSED, EXIT_USAGE, UsageError } from './support/cli-error.js';
