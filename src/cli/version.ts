import { readFileSync } from 'node:fs';

/** bookfuzz's own version, from package.json (shown in reports). */
export const toolVersion: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
