// Our streaming canonicalizers against xml-crypto's DOM-based ones on the real fixtures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import { C14nCanonicalization, ExclusiveCanonicalization } from 'xml-crypto';
import { FIXTURES, readFixture } from '../testing/fixtures.js';
import { canonicalize, canonicalizeSubtree } from './canonicalize.js';

function domOf(xml: string) {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

for (const name of FIXTURES) {
  test(`${name}: exclusive and inclusive C14N match xml-crypto (document and the Signature subtree)`, async () => {
    const bytes = readFixture(name);
    const doc = domOf(bytes.toString('utf8'));
    const root = doc.documentElement!;
    assert.equal(
      (await canonicalize(bytes, 'exc-c14n')).toString(),
      new ExclusiveCanonicalization().process(root, {}).toString(),
    );
    assert.equal(
      (await canonicalize(bytes, 'c14n')).toString(),
      new C14nCanonicalization().process(root, {}).toString(),
    );

    const signature = doc.getElementsByTagName('Signature')[0];
    if (!signature) return;
    const isSignature = (t: { name: { local: string } }) => t.name.local === 'Signature';
    assert.equal(
      (await canonicalizeSubtree(bytes, isSignature, 'exc-c14n'))?.toString(),
      new ExclusiveCanonicalization().process(signature, {}).toString(),
    );
    assert.equal(
      (await canonicalizeSubtree(bytes, isSignature, 'c14n'))?.toString(),
      new C14nCanonicalization()
        .process(signature, { ancestorNamespaces: ancestorNamespaces(signature as unknown as DomElementLike) })
        .toString(),
    );
  });
}

interface DomElementLike {
  nodeType: number;
  parentNode: unknown;
  attributes: { length: number; item(i: number): { name: string; value: string } | null };
}

/** Inherited prefixed namespaces, which xml-crypto renders on an inclusive subtree apex (it renders the apex's own default already). */
function ancestorNamespaces(node: DomElementLike) {
  const seen = new Map<string, string>();
  for (
    let p = node.parentNode as DomElementLike | null;
    p && p.nodeType === 1;
    p = p.parentNode as DomElementLike | null
  ) {
    for (let i = 0; i < p.attributes.length; i++) {
      const a = p.attributes.item(i)!;
      const prefix = a.name.startsWith('xmlns:') ? a.name.slice(6) : undefined;
      if (prefix && !seen.has(prefix)) seen.set(prefix, a.value);
    }
  }
  return [...seen].map(([prefix, namespaceURI]) => ({ prefix, namespaceURI }));
}
