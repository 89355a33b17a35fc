import type { Config } from '../../contract/config.ts';
import type { ResolvedModel } from '../models/resolve.ts';

export interface StageContext {
  config: Config;
  modelsDir: string;
}

/** Loads one stage from a resolved, verified model. */
export type StageFactory<T> = (model: ResolvedModel, ctx: StageContext) => Promise<T>;
