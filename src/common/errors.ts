// Errors that carry the Docker Engine API status code they map to. Services throw these;
// the API layer turns them into `{"message": …}` responses.
export class EngineError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}
export const notFound = (msg: string) => new EngineError(404, msg);
export const conflict = (msg: string) => new EngineError(409, msg);
export const invalid = (msg: string) => new EngineError(400, msg);
export const notModified = () => new EngineError(304, '');
export const forbidden = (msg: string) => new EngineError(403, msg);
export const tooLarge = (msg: string) => new EngineError(413, msg);
export const internal = (msg: string) => new EngineError(500, msg);
