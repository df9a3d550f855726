import type { ConsoleRole } from '../api/console-api.js';
import type { PageDef } from '../pages/registry.js';
import { AgenciesPage, AgencyNewPage, AgencyPage } from './agencies-page.js';
import { DashboardPage } from './dashboard-page.js';
import { DocumentSearchPage, DocumentTracePage } from './documents-page.js';

const OPS: readonly ConsoleRole[] = ['national_operator', 'provincial_operator', 'auditor'];
const WRITERS: readonly ConsoleRole[] = ['national_operator', 'provincial_operator'];

export const opsPages: PageDef[] = [
  { path: '/tong-quan', roles: OPS, component: DashboardPage, nav: { label: 'ops.nav.dashboard', order: 100 } },
  { path: '/co-quan', roles: OPS, component: AgenciesPage, nav: { label: 'ops.nav.agencies', order: 110 } },
  { path: '/co-quan/moi', roles: WRITERS, component: AgencyNewPage },
  { path: '/co-quan/:code', roles: OPS, component: AgencyPage },
  { path: '/tra-cuu', roles: OPS, component: DocumentSearchPage, nav: { label: 'ops.nav.documents', order: 120 } },
  { path: '/tra-cuu/:docId', roles: OPS, component: DocumentTracePage },
];
