import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { C14nAlgorithm } from './algorithms.js';
import { canonicalize, canonicalizeSubtree } from './canonicalize.js';

/** Canonicalizes `xml` fed in chunks of every size in `sizes`; all must agree. */
async function c14n(xml: string, algorithm: C14nAlgorithm, sizes = [1, 2, 7, 1 << 20]): Promise<string> {
  const bytes = Buffer.from(xml);
  const results = new Set<string>();
  for (const size of sizes) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    results.add((await canonicalize(chunks, algorithm)).toString('utf8'));
  }
  assert.equal(results.size, 1, `chunking changed the output: ${[...results].join(' | ')}`);
  return [...results][0]!;
}

// Examples from W3C Canonical XML 1.0 §3, without their DTDs (the tokenizer refuses DTDs).
test('W3C c14n 3.1: PIs, comments and content outside the document element', async () => {
  const input =
    '<?xml version="1.0"?>\n\n<?xml-stylesheet   href="doc.xsl"\n   type="text/xsl"   ?>\n\n' +
    '<doc>Hello, world!<!-- Comment 1 --></doc>\n\n<?pi-without-data     ?>\n\n<!-- Comment 2 -->\n\n<!-- Comment 3 -->\n';
  const expected =
    '<?xml-stylesheet href="doc.xsl"\n   type="text/xsl"   ?>\n<doc>Hello, world!</doc>\n<?pi-without-data?>';
  assert.equal(await c14n(input, 'c14n'), expected);
  assert.equal(await c14n(input, 'exc-c14n'), expected);
});

test('W3C c14n 3.2: whitespace in document content is kept', async () => {
  const input =
    '<doc>\n   <clean>   </clean>\n   <dirty>   A   B   </dirty>\n   <mixed>\n      A\n      <clean>   </clean>\n      B\n' +
    '      <dirty>   A   B   </dirty>\n      C\n   </mixed>\n</doc>';
  assert.equal(await c14n(input, 'c14n'), input);
});

test('W3C c14n 3.3: start and end tags, attribute order, superfluous namespace declarations', async () => {
  const input = `<doc>
   <e1   />
   <e2   ></e2>
   <e3   name = "elem3"   id="elem3"   />
   <e4   name="elem4"   id="elem4"   ></e4>
   <e5 a:attr="out" b:attr="sorted" attr2="all" attr="I'm"
      xmlns:b="http://www.ietf.org"
      xmlns:a="http://www.w3.org"
      xmlns="http://example.org"/>
   <e6 xmlns="" xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="" xmlns:a="http://www.w3.org">
            <e9 xmlns="" xmlns:a="http://www.ietf.org"/>
         </e8>
      </e7>
   </e6>
</doc>`;
  const expected = `<doc>
   <e1></e1>
   <e2></e2>
   <e3 id="elem3" name="elem3"></e3>
   <e4 id="elem4" name="elem4"></e4>
   <e5 xmlns="http://example.org" xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr="I'm" attr2="all" b:attr="sorted" a:attr="out"></e5>
   <e6 xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="">
            <e9 xmlns:a="http://www.ietf.org"></e9>
         </e8>
      </e7>
   </e6>
</doc>`;
  assert.equal(await c14n(input, 'c14n'), expected);
  // exclusive: a namespace is rendered only where it is visibly used
  const exclusive = expected
    .replace(
      ' xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr=',
      ' xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr=',
    )
    .replace('<e6 xmlns:a="http://www.w3.org">', '<e6>')
    .replace('<e9 xmlns:a="http://www.ietf.org">', '<e9>');
  assert.equal(await c14n(input, 'exc-c14n'), exclusive);
});

test('W3C c14n 3.4: character modifications and character references', async () => {
  const input = `<doc>
   <text>First line&#x0d;&#10;Second line</text>
   <value>&#x32;</value>
   <compute><![CDATA[value>"0" && value<"10" ?"valid":"error"]]></compute>
   <compute expr='value>"0" &amp;&amp; value&lt;"10" ?"valid":"error"'>valid</compute>
   <norm attr=' &apos;   &#x20;&#13;&#xa;&#9;   &apos; '/>
</doc>`;
  const expected = `<doc>
   <text>First line&#xD;
Second line</text>
   <value>2</value>
   <compute>value&gt;"0" &amp;&amp; value&lt;"10" ?"valid":"error"</compute>
   <compute expr="value>&quot;0&quot; &amp;&amp; value&lt;&quot;10&quot; ?&quot;valid&quot;:&quot;error&quot;">valid</compute>
   <norm attr=" '    &#xD;&#xA;&#x9;   ' "></norm>
</doc>`;
  assert.equal(await c14n(input, 'c14n'), expected);
  assert.equal(await c14n(input, 'exc-c14n'), expected);
});

test('W3C c14n 3.6: UTF-8 output of character references', async () => {
  assert.equal(await c14n('<doc>&#169;</doc>', 'c14n'), '<doc>©</doc>');
});

test('line ends: literal CR LF and lone CR become LF even across chunk boundaries; attribute whitespace normalised', async () => {
  const input = '<a b="x\r\ny\tz">1\r\n2\r3\r\n\r\n4<![CDATA[5\r\n6]]>&#xD;\n</a>';
  assert.equal(
    await c14n(input, 'exc-c14n'),
    '<a b="x y z">1\n2\n3\n\n4<![CDATA[5\n6]]>&#xD;\n</a>'.replace('<![CDATA[5\n6]]>', '5\n6'),
  );
});

// Example from W3C Exclusive XML Canonicalization 1.0 §2.2, canonicalizing the n1:elem2 subtree.
test('exclusive vs inclusive canonicalization of a subtree with inherited namespaces and xml:* attributes', async () => {
  const input = `<n0:local xmlns:n0="foo:bar" xmlns:n3="ftp://example.org" xml:space="preserve">
  <n1:elem2 xmlns:n1="http://example.net" xml:lang="en">
    <n3:stuff xmlns:n3="ftp://example.org"/>
  </n1:elem2>
</n0:local>`;
  const isElem2 = (t: { name: { local: string } }) => t.name.local === 'elem2';
  assert.equal(
    (await canonicalizeSubtree(input, isElem2, 'exc-c14n'))?.toString(),
    '<n1:elem2 xmlns:n1="http://example.net" xml:lang="en">\n    <n3:stuff xmlns:n3="ftp://example.org"></n3:stuff>\n  </n1:elem2>',
  );
  assert.equal(
    (await canonicalizeSubtree(input, isElem2, 'c14n'))?.toString(),
    '<n1:elem2 xmlns:n0="foo:bar" xmlns:n1="http://example.net" xmlns:n3="ftp://example.org" xml:lang="en" xml:space="preserve">\n    <n3:stuff></n3:stuff>\n  </n1:elem2>',
  );
});

test('exclusive: default namespace undeclared with xmlns="" only when an output ancestor declared one', async () => {
  const input = '<a xmlns="urn:a"><b xmlns=""><c xmlns=""/></b></a>';
  assert.equal(await c14n(input, 'exc-c14n'), '<a xmlns="urn:a"><b xmlns=""><c></c></b></a>');
  assert.equal(await c14n('<a><b xmlns=""/></a>', 'exc-c14n'), '<a><b></b></a>');
  assert.equal(
    (await canonicalizeSubtree(input, (t) => t.name.local === 'b', 'exc-c14n'))?.toString(),
    '<b><c></c></b>',
  );
});

test('elements without attributes: an ancestor prefix is rendered where exclusive canonicalization first uses it', async () => {
  const input = '<a xmlns:p="urn:p" xmlns="urn:d"><b><p:c><d><p:e/></d></p:c></b><p:f/></a>';
  assert.equal(
    (await canonicalizeSubtree(input, (t) => t.name.local === 'b', 'exc-c14n'))?.toString(),
    '<b xmlns="urn:d"><p:c xmlns:p="urn:p"><d><p:e></p:e></d></p:c></b>',
  );
  assert.equal(
    (await canonicalizeSubtree(input, (t) => t.name.local === 'b', 'c14n'))?.toString(),
    '<b xmlns="urn:d" xmlns:p="urn:p"><p:c><d><p:e></p:e></d></p:c></b>',
  );
  // the same names again, in a second document: the tags cached by name are the same text
  assert.equal(
    await c14n(input, 'exc-c14n'),
    '<a xmlns="urn:d"><b><p:c xmlns:p="urn:p"><d><p:e></p:e></d></p:c></b><p:f xmlns:p="urn:p"></p:f></a>',
  );
});
