// The `container` management group: one module per verb (pause and unpause share one).
import type { Command } from '../command.js';
import { commit } from './container-commit.js';
import { cp } from './container-cp.js';
import { diff } from './container-diff.js';
import { exportCommand } from './container-export.js';
import { containerInspect, exec, logs } from './container-io.js';
import { kill } from './container-kill.js';
import { pause, unpause } from './container-pause.js';
import { port } from './container-port.js';
import { prune } from './container-prune.js';
import { ps } from './container-ps.js';
import { rename } from './container-rename.js';
import { restart } from './container-restart.js';
import { rm } from './container-rm.js';
import { attachCommand, create, run, start } from './container-run.js';
import { stats } from './container-stats.js';
import { stop } from './container-stop.js';
import { top } from './container-top.js';
import { update } from './container-update.js';
import { wait } from './container-wait.js';

export const commands: Command[] = [
  attachCommand,
  commit,
  cp,
  create,
  diff,
  exec,
  exportCommand,
  containerInspect,
  kill,
  logs,
  ps,
  pause,
  port,
  prune,
  rename,
  restart,
  rm,
  run,
  start,
  stats,
  stop,
  top,
  unpause,
  update,
  wait,
];
