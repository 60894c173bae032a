// Errors raised by the Engine API client, shaped so the CLI can print them the way docker does.

/** The daemon answered with an error status; `message` is the daemon's own text. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The daemon could not be reached at all. */
export class ConnectError extends Error {
  constructor(readonly host: string, readonly cause: unknown) {
    super(`Cannot connect to the Docker daemon at ${host}. Is the docker daemon running?`);
  }
}

/** The TLS handshake with the daemon failed; the message is worded as docker prints it. */
export class TlsError extends ConnectError {
  constructor(host: string, cause: unknown, message: string) {
    super(host, cause);
    this.message = message;
  }
}
