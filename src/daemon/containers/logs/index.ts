// Container logs: the json-file and none drivers and the reader behind GET /containers/{id}/logs.
export type { LogStream, Logger, LogInfo, ReadLogsOptions, ReadDone } from './types.js';
export { createLogger, validateLogConfig, validateDaemonLogConfig, readNotSupported } from './drivers.js';
export { readLogs } from './reader.js';
export { parseLogTimeParam } from './timestamp.js';
