#!/usr/bin/env node
// The `kiwi` bin of the package: run the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/main.ts');
