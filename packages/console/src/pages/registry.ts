// Every page of the console. A page is a path, the roles that may open it, the component, and (optionally)
// a main-navigation entry. To add pages: write them (e.g. under src/ops/), export a PageDef[] and add it to
// PAGES below — one line. The first page in `nav` order a role may open is that role's start page.

import type { ComponentType } from 'react';
import type { ConsoleRole } from '../api/console-api.js';
import { clerkPages } from '../clerk/clerk-pages.js';
import type { MessageKey } from '../i18n/vi.js';
import { opsPages } from '../ops/ops-pages.js';

export interface PageDef {
  /** e.g. `/van-ban/:docId`; params are passed to the component */
  path: string;
  /** who may open it; empty: every signed-in account */
  roles: readonly ConsoleRole[];
  component: ComponentType<{ params: Record<string, string> }>;
  /** shown in the header's navigation, in `order` */
  nav?: { label: MessageKey; order: number };
}

export const PAGES: PageDef[] = [
  ...clerkPages,
  // operators' pages (src/ops/)
  ...opsPages,
];

export const OPERATOR_ROLES: readonly ConsoleRole[] = ['national_operator', 'provincial_operator', 'auditor'];
