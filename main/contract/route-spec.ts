import { z } from 'zod';
import type { Scope } from './config.ts';

/**
 * Every REST route: path, method, the scope it needs, and the schemas of its params, body and
 * answer. The server registers handlers against this table, validates with these schemas and
 * generates /api/openapi.json from it; clients type their calls with it.
 */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: /api/speakers/{speaker_id} */
  path: string;
  scope: Scope;
  /** Reachable without credentials even when auth is on (login, scope discovery). */
  public?: boolean;
  summary: string;
  params?: P;
  /** Query-string parameters (?limit=10), checked like the body: a bad value is a 400. */
  query?: Q;
  body?: B;
  response: R;
  /** Error statuses this route can answer besides the ones every route can (400, 401, 403, 413, 415, 429). */
  errors: number[];
  /** Success status when it is not 200 (201 for a created resource). */
  status?: 201;
  /** JSON body limit in bytes when a route needs more than the default 64 KiB (audio uploads). */
  bodyLimit?: number;
}

/** Keeps each route's exact type, so handlers see the schemas of exactly their route. */
export const route = <S extends RouteSpec>(spec: S) => spec;

type SchemaOf<S, K extends string> = S extends { [P in K]: infer T extends z.ZodType } ? z.infer<T> : undefined;
export type ParamsOf<S> = SchemaOf<S, 'params'>;
export type BodyOf<S> = SchemaOf<S, 'body'>;
export type QueryOf<S> = SchemaOf<S, 'query'>;
/** What a client may send as the query: the schema's input (numbers or strings, defaults optional). */
export type QueryInputOf<S> = S extends { query: infer T extends z.ZodType } ? z.input<T> : undefined;
export type ResponseOf<S> = S extends { response: infer T extends z.ZodType } ? z.input<T> : never;
