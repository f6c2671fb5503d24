import { writeFileSync } from 'node:fs';

/**
 * Test support: write a model module to `file` that is the model exported by `baseModel`, with
 * `before` (TypeScript statements) run each time its simulator starts a run. `header` holds
 * the module-level lines they need (imports, counters). For tests of what the engine does when
 * a model misbehaves (throws, or ends the thread it runs in).
 */
export function writeModelWithSimulatorPrelude(file: string, baseModel: string, before: string, header: readonly string[] = []): void {
  writeFileSync(
    file,
    [
      ...header,
      `import { model as base } from ${JSON.stringify(baseModel)};`,
      'export const model = {',
      '  ...base,',
      '  simulator: (world: Parameters<typeof base.simulator>[0], flaws: ReadonlySet<string>) => {',
      `    ${before}`,
      '    return base.simulator(world, flaws);',
      '  },',
      '};',
      '',
    ].join('\n'),
  );
}
