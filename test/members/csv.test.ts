import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  CsvFatalError,
  type CsvRecord,
  detectDelimiter,
  MAX_LINE_BYTES,
  readCsvRecords,
} from '../../src/members/csv.js';

async function records(chunks: Array<Buffer | string>): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsvRecords(Readable.from(chunks))) out.push(r);
  return out;
}

async function fatal(chunks: Array<Buffer | string>): Promise<string> {
  try {
    await records(chunks);
  } catch (error) {
    assert.ok(error instanceof CsvFatalError, String(error));
    return `ligne ${error.problem.line} : ${error.problem.text()}`;
  }
  assert.fail('expected the file to be refused');
}

describe('reading a member CSV', () => {
  it('keeps an accented letter whose two UTF-8 bytes arrive in different chunks', async () => {
    const bytes = Buffer.from('a,b\nLefèvre,Hélène\n', 'utf8');
    const split = bytes.indexOf(0xc3) + 1; // between the two bytes of « è »
    const rows = await records([bytes.subarray(0, split), bytes.subarray(split)]);
    assert.deepEqual(rows[1]?.fields, ['Lefèvre', 'Hélène']);
  });

  it('reads the file byte by byte just as well', async () => {
    const bytes = Buffer.from('a;b\nÉric;Noël\n', 'utf8');
    const rows = await records([...bytes].map((b) => Buffer.from([b])));
    assert.deepEqual(rows[1]?.fields, ['Éric', 'Noël']);
  });

  it('drops a byte-order mark', async () => {
    const rows = await records([
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('member_number\n1\n')]),
    ]);
    assert.deepEqual(rows[0]?.fields, ['member_number']);
  });

  it('refuses a Latin-1 file, naming the line of the first bad byte', async () => {
    const latin1 = Buffer.from('a,b\nDupont,Jean\nLef\xe8vre,H\xe9l\xe8ne\n', 'latin1');
    assert.match(await fatal([latin1]), /^ligne 3 : le fichier n’est pas en UTF-8/);
  });

  it('names the right line when the bad byte is in a later chunk', async () => {
    const head = Buffer.from(`a,b\n${'x,y\n'.repeat(1000)}`);
    assert.match(await fatal([head, Buffer.from('ok,ok\nbad\xe9,z\n', 'latin1')]), /^ligne 1003 : /);
  });

  it('refuses a sequence cut short at the end of the file', async () => {
    assert.match(await fatal([Buffer.from([0x61, 0x0a, 0x62, 0xc3])]), /^ligne 2 : .*UTF-8/);
  });

  it('refuses an overlong line without holding it in memory', async () => {
    const chunk = Buffer.alloc(1 << 16, 'x');
    const chunks = [Buffer.from('a,b\n1,2\n'), ...Array.from({ length: 160 }, () => chunk)]; // 10 MB line
    assert.match(await fatal(chunks), /^ligne 3 : ligne de plus de 64 Kio/);
    assert.equal(MAX_LINE_BYTES, 65536);
  });

  it('numbers records by their first physical line, skipping blank lines', async () => {
    const rows = await records(['h1,h2\r\n\r\n1,2\r\n"multi\r\nline",3\r\n  \r\n4,5']);
    assert.deepEqual(
      rows.map((r) => [r.line, r.fields]),
      [
        [1, ['h1', 'h2']],
        [3, ['1', '2']],
        [4, ['multi\r\nline', '3']],
        [7, ['4', '5']],
      ],
    );
  });

  it('reports a quote left open', async () => {
    assert.match(await fatal(['a,b\n1,"2\n3,4\n']), /guillemet ouvert/);
  });

  it('takes the delimiter from the header line', () => {
    assert.equal(detectDelimiter('member_number;civility;first_name'), ';');
    assert.equal(detectDelimiter('member_number,civility,first_name'), ',');
  });

  it('yields nothing for an empty file', async () => {
    assert.deepEqual(await records([]), []);
    assert.deepEqual(await records([Buffer.from([0xef, 0xbb, 0xbf])]), []);
  });
});
