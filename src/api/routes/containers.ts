import type { Router } from '../router.js';
import type { Daemon } from '../../daemon/daemon.js';

export function containerRoutes(_r: Router, _d: Daemon): void {}
