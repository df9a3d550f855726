import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EdxmlError } from './contract.js';
import { type XmlToken, XmlTokenizer, type XmlTokenizerOptions } from './xml-tokenizer.js';

/** Tokenizes `xml` fed in chunks of `size` bytes, merging streamed chunks for comparison. */
function tokenize(xml: string | Buffer, size = Number.POSITIVE_INFINITY, options: XmlTokenizerOptions = {}) {
  const bytes = typeof xml === 'string' ? Buffer.from(xml) : xml;
  const t = new XmlTokenizer(options);
  const tokens: XmlToken[] = [];
  for (let i = 0; i < bytes.length; i += size)
    tokens.push(...t.write(bytes.subarray(i, Math.min(bytes.length, i + size))));
  tokens.push(...t.end());
  const merged: unknown[] = [];
  for (const token of tokens) {
    const last = merged[merged.length - 1] as { kind: string; data: string } | undefined;
    if (token.kind === 'text-chunk') {
      if (last?.kind === 'text-chunk') last.data += token.data.toString('latin1');
      else merged.push({ kind: 'text-chunk', data: token.data.toString('latin1') });
    } else {
      merged.push(token);
    }
  }
  return { tokens: merged, tokenizer: t };
}

function rejects(xml: string, code: EdxmlError['code'], message: RegExp, options?: XmlTokenizerOptions) {
  assert.throws(
    () => tokenize(xml, Number.POSITIVE_INFINITY, options),
    (e: unknown) => {
      assert.ok(e instanceof EdxmlError, `expected EdxmlError, got ${e}`);
      assert.equal(e.code, code, e.message);
      assert.match(e.message, message);
      return true;
    },
  );
}

test('start, end and text tokens with namespaces, attributes and offsets', () => {
  const xml = '<?xml version="1.0"?>\n<r xmlns="urn:a" xmlns:p="urn:b"><p:x k="1 &amp; 2">a&lt;b&#x1EA1;</p:x><y/></r>';
  const { tokens, tokenizer } = tokenize(xml);
  const [start] = tokens as Extract<XmlToken, { kind: 'start' }>[];
  assert.deepEqual(start?.name, { qname: 'r', prefix: '', local: 'r', ns: 'urn:a' });
  const x = tokens[1] as Extract<XmlToken, { kind: 'start' }>;
  assert.deepEqual(x.name, { qname: 'p:x', prefix: 'p', local: 'x', ns: 'urn:b' });
  assert.deepEqual(x.attributes, [{ qname: 'k', prefix: '', local: 'k', ns: '', value: '1 & 2' }]);
  assert.equal(xml.slice(x.start, x.end), '<p:x k="1 &amp; 2">');
  const text = tokens[2] as Extract<XmlToken, { kind: 'text' }>;
  assert.equal(text.text, 'a<bạ');
  assert.equal(text.raw, 'a&lt;b&#x1EA1;');
  const y = tokens[4] as Extract<XmlToken, { kind: 'start' }>;
  assert.equal(y.selfClosing, true);
  assert.equal(y.name.ns, 'urn:a');
  assert.equal(tokens[5] && (tokens[5] as XmlToken).kind, 'end');
  assert.equal(tokenizer.xmlStart, 0);
  assert.equal(tokenizer.xmlEnd, Buffer.byteLength(xml));
});

test('every chunk size gives the same tokens, multi-byte UTF-8 and CDATA included', () => {
  const xml =
    '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- c -->\r\n<r xmlns:e="urn:e"><e:a>Tiếng Việt &amp; Đ</e:a>' +
    '<b><![CDATA[<raw> & ]]]]><![CDATA[>]]></b><?pi x?><s>QUJD\r\nREVG&#61;</s></r>\r\n';
  const options = { isStreamingElement: (n: { local: string }) => n.local === 's' };
  const whole = tokenize(xml, Number.POSITIVE_INFINITY, options).tokens;
  for (const size of [1, 2, 3, 7, 13])
    assert.deepEqual(tokenize(xml, size, options).tokens, whole, `chunks of ${size}`);
  const texts = whole.filter((t) => (t as XmlToken).kind === 'text').map((t) => (t as { text: string }).text);
  assert.deepEqual(texts, ['Tiếng Việt & Đ', '<raw> & ]]>']);
  assert.deepEqual(
    whole.filter((t) => (t as XmlToken).kind === 'text-chunk'),
    [{ kind: 'text-chunk', data: 'QUJD\r\nREVG=' }],
  );
});

test('a text node that starts as literal text and goes on in CDATA or across chunks reads the same', () => {
  const xml = '<r><a>Việt<![CDATA[ạ\r\n]]>x&amp;</a><b>Đ\r\nạ<!--c-->y\r</b><c>Tiếng</c></r>';
  const whole = tokenize(xml).tokens;
  for (let size = 1; size <= xml.length; size++)
    assert.deepEqual(tokenize(xml, size).tokens, whole, `chunks of ${size}`);
  const texts = whole.filter((t) => (t as XmlToken).kind === 'text').map((t) => (t as { text: string }).text);
  assert.deepEqual(texts, ['Việtạ\nx&', 'Đ\nạ', 'y\n', 'Tiếng']);
});

test('line endings in text are normalised; character references survive', () => {
  const { tokens } = tokenize('<r>a\r\nb\rc&#13;</r>');
  assert.equal((tokens[1] as { text: string }).text, 'a\nb\nc\r');
});

test('garbage before the XML is skipped and its length reported', () => {
  const prefix = '--boundary\r\nContent-Disposition: form-data; name="file"\r\n\r\n';
  const { tokenizer } = tokenize(`${prefix}<?xml version="1.0"?><r/>\r\n--boundary--\r\n`, 5);
  assert.equal(tokenizer.xmlStart, prefix.length);
  assert.equal(tokenizer.trailingGarbageAt, prefix.length + '<?xml version="1.0"?><r/>\r\n'.length);
  assert.equal(tokenize('x < y <r/>').tokenizer.xmlStart, 6);
});

test('refuses DTDs, foreign entities and malformed markup', () => {
  rejects('<!DOCTYPE r SYSTEM "http://evil/x.dtd"><r/>', 'dtd-forbidden', /DOCTYPE declarations are not allowed/);
  rejects('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>', 'dtd-forbidden', /DOCTYPE/);
  rejects('<r>&nbsp;</r>', 'entity-forbidden', /entity reference &nbsp; is not allowed/);
  rejects('<r a="&x;"/>', 'entity-forbidden', /&x;/);
  rejects('<r>a & b</r>', 'malformed', /"&" not starting an entity reference/);
  rejects('<r>&#0;</r>', 'malformed', /invalid character reference &#0;/);
  rejects('<r><a></b></r>', 'malformed', /mismatched end tag <\/b>, expected <\/a>/);
  rejects('<r><p:a/></r>', 'malformed', /undeclared namespace prefix "p"/);
  rejects('<r a="1" a="2"/>', 'malformed', /duplicate attribute a/);
  rejects('<r a=1/>', 'malformed', /malformed attribute/);
  rejects('<r>text <b</r>', 'malformed', /"<" inside a tag/);
  rejects('<r>text</r', 'truncated', /inside a tag/);
});

test('limits: depth, text length, element count, attribute count', () => {
  rejects(`${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`, 'too-deep', /nested deeper than 48 levels/);
  rejects(`<r>${'x'.repeat(2000)}</r>`, 'too-large', /text longer than 1000 characters/, { maxTextLength: 1000 });
  rejects(`<r>${'<a/>'.repeat(20)}</r>`, 'too-many', /more than 10 elements/, { maxElements: 10 });
  rejects('<r a="1" b="2" c="3"/>', 'too-many', /more than 2 attributes/, { maxAttributes: 2 });
});

test('streaming elements are not bound by the text limit', () => {
  const body = 'A'.repeat(5000);
  const { tokens } = tokenize(`<r><s>${body}</s></r>`, 1024, {
    maxTextLength: 100,
    isStreamingElement: (n) => n.local === 's',
  });
  assert.deepEqual(tokens[2], { kind: 'text-chunk', data: body });
});

test('end of input: empty, truncated, not XML', () => {
  rejects('', 'empty', /input is empty/);
  rejects(' \r\n ', 'empty', /input is empty/);
  rejects('hello', 'not-edxml', /no XML found/);
  rejects('<r><a>text', 'truncated', /input ended inside <a> after 10 bytes/);
  rejects('<r><a', 'truncated', /input ended inside a tag/);
  rejects('<r><!-- x', 'truncated', /inside a comment/);
  rejects('<?xml version="1.0"?>', 'truncated', /before the root element/);
});

test('markup option: comments and PIs as events in document order; write() still returns tokens only', () => {
  const xml = '<?xml version="1.0"?><?a one two?><r><!-- c -->x<?b?></r><!--d-->';
  const bytes = Buffer.from(xml);
  for (const size of [1, 3, bytes.length]) {
    const t = new XmlTokenizer({ markup: true });
    const kinds: string[] = [];
    for (let i = 0; i < bytes.length; i += size) {
      for (const e of t.writeEvents(bytes.subarray(i, i + size)))
        kinds.push(e.kind === 'pi' ? `pi:${e.target}:${e.data}` : e.kind);
    }
    for (const e of t.endEvents()) kinds.push(e.kind);
    assert.deepEqual(kinds, ['pi:a:one two', 'start', 'comment', 'text', 'pi:b:', 'end', 'comment'], `size ${size}`);
  }
  const t = new XmlTokenizer({ markup: true });
  const tokens = [...t.write(bytes), ...t.end()];
  assert.deepEqual(
    tokens.map((x) => x.kind),
    ['start', 'text', 'end'],
  );
});

test('streamed text chunks say whether they came from a reference or a CDATA section', () => {
  const t = new XmlTokenizer({ isStreamingElement: () => true });
  const tokens = [...t.write(Buffer.from('<r>a&#13;b<![CDATA[c]]></r>')), ...t.end()];
  const chunks = tokens.flatMap((x) => (x.kind === 'text-chunk' ? [[x.data.toString(), x.origin ?? 'literal']] : []));
  assert.deepEqual(chunks, [
    ['a', 'literal'],
    ['\r', 'reference'],
    ['b', 'literal'],
    ['c', 'cdata'],
  ]);
});

test('a processing instruction after the root split across writes is not mistaken for trailing garbage', () => {
  const bytes = Buffer.from('<r/>\n<?pi data?>\n');
  for (const size of [1, 2, 3]) {
    const t = new XmlTokenizer({ markup: true });
    const kinds: string[] = [];
    for (let i = 0; i < bytes.length; i += size)
      for (const e of t.writeEvents(bytes.subarray(i, i + size))) kinds.push(e.kind);
    for (const e of t.endEvents()) kinds.push(e.kind);
    assert.deepEqual(kinds, ['start', 'end', 'pi'], `size ${size}`);
    assert.equal(t.trailingGarbageAt, -1);
  }
});

test('end tags: whitespace before ">", names that only start alike, names outside ASCII', () => {
  const names = (xml: string) =>
    tokenize(xml).tokens.map((t) => {
      const token = t as XmlToken;
      return token.kind === 'end' ? `/${token.name.qname}` : token.kind === 'start' ? token.name.qname : 'text';
    });
  assert.deepEqual(names('<a><b></b \n\t></a\r\n>'), ['a', 'b', '/b', '/a']);
  assert.deepEqual(names('<tài_liệu><p:x xmlns:p="urn:p"></p:x ></tài_liệu >'), [
    'tài_liệu',
    'p:x',
    '/p:x',
    '/tài_liệu',
  ]);
  rejects('<ab></a>', 'malformed', /mismatched end tag <\/a>, expected <\/ab>/);
  rejects('<a></ab>', 'malformed', /mismatched end tag <\/ab>, expected <\/a>/);
  rejects('<tài></tàj>', 'malformed', /mismatched end tag <\/tàj>, expected <\/tài>/);
});

test('indentation text reads as written; an element name in another namespace is another name', () => {
  const { tokens } = tokenize('<a>\n  <b/>\n\t\t<b/>\n  x<c xmlns="urn:c"><b/></c><b/>\n</a>');
  const texts = tokens.filter((t) => (t as XmlToken).kind === 'text').map((t) => (t as { raw: string }).raw);
  assert.deepEqual(texts, ['\n  ', '\n\t\t', '\n  x', '\n']);
  const bs = tokens.filter(
    (t) => (t as XmlToken).kind === 'start' && (t as { name: { local: string } }).name.local === 'b',
  );
  const ns = bs.map((t) => (t as { name: { ns: string } }).name.ns);
  assert.deepEqual(ns, ['', '', 'urn:c', '']);
});
