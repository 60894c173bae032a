// The archive a tar child writes, as a stream that fails when tar does (so that a reader never
// takes a cut-off archive for a whole one) and closes only after tar has exited, also when the
// reader destroys it early (tar is killed then); `release` (what tar read from, e.g. a temporary
// mount) is undone before the stream ends, so a reader that saw the end sees nothing left over.
import type { ChildProcess } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';

/**
 * GNU tar's flags for the archives berthd writes: owners as numbers, every extended attribute
 * (file capabilities, ACLs, user.*) in PAX records, and none of the per-file atime, ctime and
 * sub-second mtime records GNU tar adds in that format: Docker's archives carry whole seconds.
 */
export const TAR_CREATE_FLAGS = ['--numeric-owner', '--xattrs', '--pax-option=delete=atime,delete=ctime,delete=mtime'];

export function tarOutput(child: ChildProcess & { stdout: Readable; stderr: Readable }, release?: () => Promise<void>): Readable {
  const closed = new Promise<number | null>((resolve) => {
    child.once('close', resolve);
    child.once('error', () => resolve(null));
  });
  const exited = closed.then(async (code) => {
    await release?.().catch(() => undefined);
    return code;
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 4096) stderr += d; });
  const out = new PassThrough({
    destroy(err, callback) {
      child.stdout.destroy();
      child.kill('SIGKILL');
      void exited.then(() => callback(err));
    },
  });
  child.stdout.pipe(out, { end: false });
  void exited.then((code) => {
    if (code === 0) out.end();
    else out.destroy(new Error(`tar failed (exit status ${code}): ${stderr.trim()}`));
  });
  return out;
}
