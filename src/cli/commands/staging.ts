import { BookfuzzError } from '../../errors.js';
import { stagingFlaws, stagingVariants } from '../../staging/staging-flaws.js';
import type { Io } from '../io.js';

export interface StagingArgs {
  variant?: string | undefined;
  flaws?: string[] | undefined;
  port: number;
  seedToken?: string | undefined;
}

/** Flaws of the staging site for `--variant` (vulnerable | fixed) or `--flaws` (any, across models). */
export function stagingFlawChoice(variant: string | undefined, flaws: string[] | undefined): { variant: string; flaws: string[] } {
  if (variant !== undefined && flaws !== undefined) throw new BookfuzzError('BF_USAGE', 'give either --variant or --flaws, not both');
  if (flaws !== undefined) {
    const known = Object.values(stagingFlaws).flat();
    for (const flaw of flaws) {
      if (!known.includes(flaw)) throw new BookfuzzError('BF_FLAW_UNKNOWN', `the staging site has no flaw "${flaw}" (flaws: ${known.join(', ')})`);
    }
    return { variant: flaws.length === 0 ? 'fixed' : `flaws:${[...flaws].sort().join(',')}`, flaws: [...flaws].sort() };
  }
  const name = variant ?? 'vulnerable';
  if (name !== 'vulnerable' && name !== 'fixed') {
    throw new BookfuzzError('BF_VARIANT_UNKNOWN', `the staging site has no variant "${name}" (variants: vulnerable, fixed)`);
  }
  return { variant: name, flaws: stagingVariants(name) };
}

/** `bookfuzz staging`: start the reference staging site on 127.0.0.1 until Ctrl-C. */
export async function stagingCommand(io: Io, args: StagingArgs): Promise<number> {
  const { flaws } = stagingFlawChoice(args.variant, args.flaws);
  const options: { flaws: string[]; port: number; seedToken?: string } = { flaws, port: args.port };
  if (args.seedToken !== undefined) options.seedToken = args.seedToken;
  const { startStagingSite } = await import('../../staging/index.js');
  const site = await startStagingSite(options);
  io.stdout.write(`listening on ${site.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await site.close();
  return 0;
}
