import fs from 'node:fs';
import path from 'node:path';
import { appRoot } from './paths.ts';

/** Kiwi's version (package.json), for the API, the MQTT device and the Wyoming info. */
export const VERSION = (JSON.parse(fs.readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;
