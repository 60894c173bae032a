// The `container` management group.
import type { Command } from '../command.js';
import { cp } from './container-cp.js';
import { containerInspect, exec, logs } from './container-io.js';
import * as manage from './container-manage.js';
import { ps } from './container-ps.js';
import { attachCommand, create, run, start } from './container-run.js';
import { stats } from './container-stats.js';

export const commands: Command[] = [
  attachCommand,
  manage.commit,
  cp,
  create,
  manage.diff,
  exec,
  manage.exportCommand,
  containerInspect,
  manage.kill,
  logs,
  ps,
  manage.pause,
  manage.port,
  manage.prune,
  manage.rename,
  manage.restart,
  manage.rm,
  run,
  start,
  stats,
  manage.stop,
  manage.top,
  manage.unpause,
  manage.update,
  manage.wait,
];
