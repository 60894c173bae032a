// `docker import`: a root filesystem tar (plain or gzip) becomes a one-layer image. The body is
// streamed once: into the content store (uncompressed, so its digest is the diff ID) and through a
// tar parser that proves it is a tar archive.
import tar from 'tar-stream';
import { Containerd } from '../runtime/containerd-client.js';
import { invalid } from '../common/errors.js';
import { withLease, writeBlob, type Descriptor } from './content-store.js';
import { decompressed } from './decompress.js';
import { unpackLayers } from './unpack.js';
import { applyChanges, emptyContainerConfig } from './changes.js';
import { MEDIA, type ImageConfig } from './types.js';
import { goTimestamp } from '../common/go-time.js';
import { goArch } from './platform.js';
import type { ImageStore, StoredImage } from './store.js';

/** Resolves at the stream's next `event` or when it closes. */
function next(stream: NodeJS.EventEmitter, event: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { stream.off(event, done); stream.off('close', done); resolve(); };
    stream.on(event, done);
    stream.on('close', done);
  });
}

/** Yields `source` unchanged while checking it parses as a tar archive; throws at the end if not. */
async function* checkedTar(source: AsyncIterable<Buffer>, what: string): AsyncGenerator<Buffer> {
  const extract = tar.extract();
  let failure: Error | undefined;
  let closed = false;
  extract.on('entry', (_h, stream, nextEntry) => { stream.on('end', nextEntry); stream.resume(); });
  extract.on('error', (err: Error) => { failure = err; });
  extract.on('close', () => { closed = true; });
  const fail = () => invalid(`${what}: not a valid tar archive: ${failure!.message}`);
  for await (const chunk of source) {
    if (!closed && !extract.write(chunk)) await next(extract, 'drain');
    if (failure) throw fail();
    yield chunk;
  }
  if (!closed) {
    const done = next(extract, 'close');
    extract.end(undefined);
    await done;
  }
  if (failure) throw fail();
}

export interface ImportOptions {
  changes: string[];
  message: string;
  /** `-` for the request body; shown in the default comment `Imported from -`. */
  source: string;
  /** The engine's version, recorded as the image's docker_version. */
  engineVersion: string;
}

export async function importRootfs(store: ImageStore, c: Containerd, body: AsyncIterable<Buffer>, opts: ImportOptions): Promise<StoredImage> {
  const config = applyChanges(emptyContainerConfig(), opts.changes);
  const plain = await decompressed(body);
  return withLease(c, async (leased) => {
    let blob;
    try {
      blob = await writeBlob(leased, checkedTar(plain, 'Error processing tar file'));
    } finally {
      plain.destroy();
    }
    const layer: Descriptor = { mediaType: MEDIA.dockerLayer, digest: blob.digest, size: blob.size };
    await unpackLayers(leased, [layer], [blob.digest]);
    const created = goTimestamp();
    const comment = opts.message || `Imported from ${opts.source}`;
    const image: ImageConfig = {
      architecture: goArch(), comment, config, created, docker_version: opts.engineVersion,
      history: [{ created, comment }], os: 'linux', rootfs: { type: 'layers', diff_ids: [blob.digest] },
    };
    return store.serial(() => store.commit(leased, Buffer.from(JSON.stringify(image)), [layer]));
  });
}
