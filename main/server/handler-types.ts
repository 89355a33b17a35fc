import type Koa from 'koa';
import type { BodyOf, ParamsOf, QueryOf, ResponseOf, Routes } from '../contract/routes.ts';
import type { Grant } from './auth.ts';

/** What a route handler gets: checked params, query and body, the caller's grant, and the Koa context. */
export interface HandlerInput<R> {
  params: ParamsOf<R>;
  query: QueryOf<R>;
  body: BodyOf<R>;
  grant: Grant | null;
  ctx: Koa.Context;
}

/** One handler per route of the contract (main/contract/routes.ts). */
export type Handlers = {
  [K in keyof Routes]: (input: HandlerInput<Routes[K]>) => ResponseOf<Routes[K]> | Promise<ResponseOf<Routes[K]>>;
};
