// The `system` group, one module per verb, plus the top-level commands that live with it
// (hidden here): version, inspect, login and logout.
import type { Command } from '../command.js';
import { df } from './system-df.js';
import { events } from './system-events.js';
import { info, version } from './system-info.js';
import { inspect } from './system-inspect.js';
import { login } from './system-login.js';
import { logout } from './system-logout.js';
import { systemPrune } from './system-prune.js';

export const commands: Command[] = [
  df,
  events,
  info,
  systemPrune,
  { ...version, hidden: true },
  { ...inspect, hidden: true },
  { ...login, hidden: true },
  { ...logout, hidden: true },
];
