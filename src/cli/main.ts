// `facegate` command line. Each sub-command lives in its own `*.command.ts` file, listed in commands.ts.
import { Command } from 'commander';
import { isFacegateError } from '../errors.ts';
import { COMMAND_MODULES } from './commands.ts';

const program = new Command('facegate').description('Self-hosted face recognition').showHelpAfterError();
for (const load of COMMAND_MODULES) (await load()).register(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  // A refusal (bad image, no face, unknown collection) is a message for the user, not a stack trace.
  if (isFacegateError(e)) console.error(`facegate: ${e.message} (${e.code})`);
  else console.error(`facegate: ${(e as Error).message ?? String(e)}`);
  process.exitCode = 1;
}
