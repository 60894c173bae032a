// Volume names as Docker's local driver accepts them, and the names of anonymous volumes.
import { randomBytes } from 'node:crypto';
import { invalid } from '../common/errors.js';

const VALID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** Longer names cannot be a directory name (255 bytes on Linux file systems). */
const MAX_LENGTH = 255;

/** Refuses what cannot be a volume's directory name: `/`, `..`, over-long names and the like. */
export function checkVolumeName(name: string): void {
  if (!VALID.test(name)) {
    throw invalid(`create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
  if (Buffer.byteLength(name) > MAX_LENGTH) throw invalid(`create ${name}: file name too long`);
}

/** An anonymous volume's name: 64 hex digits, as Docker makes them. */
export const anonymousVolumeName = (): string => randomBytes(32).toString('hex');

/** The label Docker puts on anonymous volumes (`volume prune` without --all removes only those). */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';
