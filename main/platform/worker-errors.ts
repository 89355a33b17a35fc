import { KiwiError } from './errors.ts';

/** An error as it crosses a worker thread's message port: KiwiErrors keep their code and status. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  status?: number;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof KiwiError) return { name: err.name, message: err.message, code: err.code, status: err.status };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

export function reviveError(error: SerializedError): KiwiError | Error {
  if (error.code) return new KiwiError(error.code, error.message, error.status ?? 500);
  const err = new Error(error.message);
  err.name = error.name;
  return err;
}
