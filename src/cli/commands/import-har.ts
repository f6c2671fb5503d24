import { readFileSync } from 'node:fs';
import type { Har } from 'har-format';
import { writeFileAtomic } from '../../engine/corpus.js';
import { BookfuzzError } from '../../errors.js';
import { importHar } from '../../flow-spec/import-har.js';
import type { Io } from '../io.js';

export interface ImportHarArgs {
  har: string;
  out?: string | undefined;
  name?: string | undefined;
  baseUrl?: string | undefined;
}

/** `bookfuzz import-har recording.har --out my-site.yaml`: a browser recording into a spec skeleton. */
export async function importHarCommand(io: Io, args: ImportHarArgs): Promise<number> {
  let har: Har;
  try {
    har = JSON.parse(readFileSync(args.har, 'utf8')) as Har;
  } catch (error) {
    throw new BookfuzzError('BF_USAGE', `not a HAR file (JSON): ${error instanceof Error ? error.message : String(error)}`, { where: args.har });
  }
  if (!Array.isArray(har?.log?.entries)) throw new BookfuzzError('BF_USAGE', 'not a HAR 1.2 file: log.entries is missing', { where: args.har });
  const yaml = importHar(har, { ...(args.name ? { name: args.name } : {}), ...(args.baseUrl ? { baseUrl: args.baseUrl } : {}) });
  if (args.out === undefined) io.stdout.write(yaml);
  else {
    writeFileAtomic(args.out, yaml);
    const token = yaml.includes('{{seedToken}}') ? ' --seed-token <token>' : '';
    io.stdout.write(`wrote ${args.out} (${har.log.entries.length} recorded requests); mark the secret, then: bookfuzz fuzz ${args.out} --target <site>${token}\n`);
  }
  return 0;
}
