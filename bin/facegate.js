#!/usr/bin/env node
// The CLI entry: TypeScript sources run through tsx's loader, so there is no separate build step to forget.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
