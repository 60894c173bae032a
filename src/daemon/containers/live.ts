// A container in memory: its record plus whatever lives only while its task runs.
import type { EventEmitter } from 'node:events';
import type { TaskStreams, OutputSink } from '../../runtime/task-io.js';
import type { Logger } from './logs/index.js';
import type { ContainerRecord } from './record.js';
import type { CopyFreeze } from './copy-freeze.js';

export interface ExitInfo { code: number; at: string }

export interface Live {
  rec: ContainerRecord;
  streams?: TaskStreams;
  logger?: Logger;
  spec?: Record<string, any>;
  /** Attached clients; they follow the container across a start. */
  attachers: Set<OutputSink>;
  /** Emits 'exit' (ExitInfo), 'removed', 'start'. */
  bus: EventEmitter;
  /** containerd reported an OOM kill in the current task. */
  oom?: boolean;
  /** Resolves when the current exit has been fully processed. */
  exitDone?: Promise<void>;
  /** Resolves once containerd's task and container of the last exit are deleted. */
  taskGone?: Promise<void>;
  /** Resolves once the network of the last exit is released (CNI DEL finished). */
  networkGone?: Promise<void>;
  restartTimer?: NodeJS.Timeout;
  lock: Promise<unknown>;
  /** Holds the task paused while `docker cp` works in its root. */
  copyFreeze?: CopyFreeze;
}
