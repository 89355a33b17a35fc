import type Koa from 'koa';
import type { BodyOf, ParamsOf, ResponseOf, Routes } from '../contract/routes.ts';
import type { Grant } from './auth.ts';

/** What a route handler gets: checked params and body, the caller's grant, and the Koa context. */
export interface HandlerInput<R> {
  params: ParamsOf<R>;
  body: BodyOf<R>;
  grant: Grant | null;
  ctx: Koa.Context;
}

/** One handler per route of the contract (main/contract/routes.ts). */
export type Handlers = {
  [K in keyof Routes]: (input: HandlerInput<Routes[K]>) => ResponseOf<Routes[K]> | Promise<ResponseOf<Routes[K]>>;
};
