import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('models')
    .description('Model cache: prepare (convert npm-shipped models to ONNX), list')
    .argument('[action]', 'prepare | list', 'list')
    .action((action: string) => {
      console.log(`models ${action}: not implemented yet`);
    });
}
