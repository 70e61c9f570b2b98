// An InferenceRuntime decorator that records every model run's duration by model name (Metrics.inferenceSeconds).
import type { InferenceRuntime, InferenceSession } from '../vision/runtime/inference.port.ts';
import type { Metrics } from './metrics.registry.ts';

export function timedRuntime(inner: InferenceRuntime, metrics: Metrics): InferenceRuntime {
  const wrapped = new Map<InferenceSession, InferenceSession>();
  return {
    async session(modelName) {
      const s = await inner.session(modelName);
      let w = wrapped.get(s);
      if (!w) {
        const series = metrics.inferenceSeconds.labels(modelName);
        w = {
          name: s.name,
          inputNames: s.inputNames,
          outputNames: s.outputNames,
          run: async (feeds) => {
            const stop = series.startTimer();
            try {
              return await s.run(feeds);
            } finally {
              stop();
            }
          },
        };
        wrapped.set(s, w);
      }
      return w;
    },
    close: () => inner.close(),
  };
}
