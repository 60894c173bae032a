// The log driver registry: option validation at container create (Docker's 400 errors) and at
// daemon start for the defaults (berthd refuses to start, as dockerd), driver start at container
// start (Docker's "failed to initialize logging driver" 500 errors). Log delivery is always
// blocking: mode=non-blocking (and so max-buffer-size) is refused, not accepted and ignored.
import { EngineError, internal, invalid } from '../../../common/errors.js';
import { unsupported } from '../field-support.js';
import { logAttrs } from './log-attrs.js';
import { parseJsonFileOptions, ramInBytes } from './log-opts.js';
import { JsonFileLogger } from './json-file.js';
import type { LogInfo, Logger } from './types.js';

// Drivers Docker has built in but berth does not provide: Docker would find them registered.
const OTHER_DOCKER_DRIVERS = new Set([
  'local', 'syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'etwlogs', 'gcplogs', 'logentries',
]);
const JSON_FILE_OPTS = new Set(['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag']);
// Options every driver accepts (handled by the daemon's log copier, not the driver).
const COMMON_OPTS = new Set(['mode', 'max-buffer-size']);
const NON_BLOCKING = 'non-blocking';

const NONE_LOGGER: Logger = {
  readable: false,
  write() {},
  close: async () => {},
};

/** The error of GET /containers/{id}/logs for a driver that cannot be read (501). */
export const readNotSupported = () => new EngineError(501, 'configured logging driver does not support reading');

/** Checks a HostConfig.LogConfig at container create; '' means the default json-file. */
export function validateLogConfig(driver: string, opts: Record<string, string>): void {
  if (driver === 'none') return;
  const mode = opts.mode ?? '';
  if (!['', 'blocking', NON_BLOCKING].includes(mode)) throw invalid(`logger: logging mode not supported: ${mode}`);
  if (opts['max-buffer-size'] !== undefined) {
    if (mode !== NON_BLOCKING) {
      throw invalid("logger: max-buffer-size option is only supported with 'mode=non-blocking'");
    }
    try {
      ramInBytes(opts['max-buffer-size']);
    } catch (e) {
      throw invalid(`error parsing option max-buffer-size: ${(e as Error).message}`);
    }
  }
  if (mode === NON_BLOCKING) throw unsupported('log-opt mode=non-blocking');
  if (driver !== '' && driver !== 'json-file') {
    if (OTHER_DOCKER_DRIVERS.has(driver)) throw invalid(`logger: no log driver named '${driver}' is registered`);
    throw invalid(`error looking up logging plugin ${driver}: plugin "${driver}" not found`);
  }
  for (const key of Object.keys(opts)) {
    if (!COMMON_OPTS.has(key) && !JSON_FILE_OPTS.has(key)) {
      throw invalid(`unknown log opt '${key}' for json-file log driver`);
    }
  }
}

/** Checks the daemon's default log driver and options; berthd does not start with bad ones. */
export function validateDaemonLogConfig(driver: string, opts: Record<string, string>): void {
  try {
    validateLogConfig(driver, opts);
  } catch (e) {
    throw new Error(`failed to start daemon: failed to set log opts: ${(e as Error).message}`);
  }
}

/**
 * Starts a container's logger. `path` is the json-file's path (`<container dir>/<id>-json.log`,
 * its directory must exist); `info` supplies the labels/env/tag attributes of each line.
 */
export function createLogger(driver: string, opts: Record<string, string>, path: string, info?: LogInfo): Logger {
  validateLogConfig(driver, opts);
  if (driver === 'none') return NONE_LOGGER;
  try {
    return new JsonFileLogger(path, parseJsonFileOptions(opts), logAttrs(opts, info));
  } catch (e) {
    throw internal(`failed to initialize logging driver: ${(e as Error).message}`);
  }
}
