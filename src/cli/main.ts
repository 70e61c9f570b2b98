// `facegate` command line. Each sub-command lives in its own `*.command.ts` file, listed in commands.ts.
import { Command } from 'commander';
import { COMMAND_MODULES } from './commands.ts';

const program = new Command('facegate').description('Self-hosted face recognition').showHelpAfterError();
for (const load of COMMAND_MODULES) (await load()).register(program);
await program.parseAsync(process.argv);
