// Types for malloc-tuning.mjs (plain JavaScript: it runs before tsx's loader).
export declare const MALLOC_TUNING: Readonly<Record<string, string>>;
export declare const RELAUNCHED_BY: string;
export declare function tunedEnvironment(env: NodeJS.ProcessEnv, glibc: boolean): NodeJS.ProcessEnv | null;
export declare function relaunchWithMallocTuning(): boolean;
