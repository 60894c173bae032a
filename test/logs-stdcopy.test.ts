// stdcopy framing: header layout, demultiplexing across chunk boundaries, the framing writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { StdcopyDemuxer as Demuxer, StdcopyWriter, demuxAll, frame } from '../src/common/stdcopy.js';

test('frame writes the 8-byte header: stream id, three zero bytes, big-endian length', () => {
  assert.deepEqual(frame(2, Buffer.from('hi')), Buffer.from([2, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69]));
  const big = frame(1, Buffer.alloc(70000, 0x61));
  assert.deepEqual(big.subarray(0, 8), Buffer.from([1, 0, 0, 0, 0, 0x01, 0x11, 0x70]));
  assert.equal(big.length, 70008);
});

test('the demuxer reassembles frames split at any byte', () => {
  const data = Buffer.concat([frame(1, Buffer.from('out\n')), frame(2, Buffer.from('err\n')), frame(1, Buffer.alloc(0)), frame(1, Buffer.from('x'))]);
  for (let cut = 0; cut <= data.length; cut++) {
    const got: string[] = [];
    const d = new Demuxer((s, p) => got.push(`${s}:${p}`));
    d.push(data.subarray(0, cut));
    d.push(data.subarray(cut));
    assert.deepEqual(got, ['1:out\n', '2:err\n', '1:', '1:x']);
  }
  assert.deepEqual(demuxAll(data).map((f) => f.stream), [1, 2, 1, 1]);
});

test('StdcopyWriter frames each write for its stream', async () => {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const err = new StdcopyWriter(sink, 2);
  assert.equal(err.write(Buffer.from('boom')), true);
  err.write(Buffer.alloc(0));
  sink.end();
  await new Promise((r) => sink.on('end', r));
  assert.deepEqual(Buffer.concat(chunks), frame(2, Buffer.from('boom')));
});
