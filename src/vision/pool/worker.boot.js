// A worker thread's first module: worker entries are TypeScript, and a worker does not inherit the loader hooks
// bin/facegate.js registered on the main thread, so tsx is registered here before the entry is imported.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
