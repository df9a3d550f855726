import type { PageDef } from '../pages/registry.js';
import { ComposePage } from './compose-page.js';
import { DocumentPage } from './document-page.js';
import { InboxPage } from './inbox-page.js';
import { OutboxPage } from './outbox-page.js';

export const clerkPages: PageDef[] = [
  { path: '/van-ban-den', roles: ['clerk'], component: InboxPage, nav: { label: 'nav.inbox', order: 10 } },
  { path: '/van-ban-di', roles: ['clerk'], component: OutboxPage, nav: { label: 'nav.outbox', order: 20 } },
  { path: '/soan-thao', roles: ['clerk'], component: ComposePage, nav: { label: 'nav.compose', order: 30 } },
  { path: '/van-ban/:docId', roles: ['clerk'], component: DocumentPage },
];
