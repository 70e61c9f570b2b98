// The CLI's sub-command modules, one line each; every module exports `register(program)`.
import type { Command } from 'commander';

type CommandModule = () => Promise<{ register: (program: Command) => void }>;

export const COMMAND_MODULES: CommandModule[] = [
  () => import('./models.command.ts'),
  () => import('./serve.command.ts'),
  () => import('./keys.command.ts'),
  () => import('./eval.command.ts'),
  () => import('./detect.command.ts'),
  () => import('./compare.command.ts'),
  () => import('./labels.command.ts'),
  () => import('./pipeline.command.ts'),
  () => import('./index.command.ts'),
  () => import('./search.command.ts'),
  () => import('./audit.command.ts'),
];
