// Types shared by the log drivers and the log reader.

export type LogStream = 'stdout' | 'stderr';

/** A container's log sink, created at container start with createLogger(). */
export interface Logger {
  /** Appends raw output of one stream; lines are split, timestamped and stored asynchronously. */
  write(stream: LogStream, chunk: Buffer): void;
  /** Flushes the held partial lines and every pending write, then releases the file. */
  close(): Promise<void>;
  /** false for drivers `docker logs` cannot read (`none`): answer readNotSupported(). */
  readonly readable: boolean;
}

/** Container facts used by the `labels`, `env` and `tag` log options (the `attrs` of each line). */
export interface LogInfo {
  id: string;
  name: string;
  imageId: string;
  imageName: string;
  labels: Record<string, string>;
  env: string[];
}

export interface ReadLogsOptions {
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  /** Lines counted from the end over both streams before the stream filter, as Docker; 'all' or < 0 = all. */
  tail: number | 'all';
  /** Lines at or after this time: milliseconds since the epoch, or exact nanoseconds as a bigint. */
  since?: number | bigint;
  /** Lines at or before this time (same units); reading stops at the first later line. */
  until?: number | bigint;
  follow: boolean;
  /** Raw output instead of stdcopy frames. */
  tty: boolean;
}

export interface ReadDone {
  /** Aborted when the client went away: reading stops at once. */
  signal: AbortSignal;
  /**
   * true once the container has stopped AND its logger's close() resolved: follow mode then
   * sends what is left in the files and ends.
   */
  finished(): boolean;
}
