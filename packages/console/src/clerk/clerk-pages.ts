import type { PageDef } from '../pages/registry.js';

export const clerkPages: PageDef[] = [];
