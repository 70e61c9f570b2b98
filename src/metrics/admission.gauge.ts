// The engine's load as Prometheus sees it: requests admitted now, refused since start (THROTTLED on either API), and
// analyses waiting for or holding a slot (vision/admission/).
import type { Admission } from '../vision/admission/admission.control.ts';
import type { Metrics } from './metrics.registry.ts';

export function registerAdmissionGauge(metrics: Metrics, admission: Admission): void {
  metrics.gauge(
    'facegate_engine_requests',
    'Image requests admitted now, refused since start (THROTTLED), and analyses waiting or running',
    ['state'],
    (set) => {
      const { admitted, refused } = admission.stats;
      set({ state: 'admitted' }, admitted);
      set({ state: 'refused' }, refused);
      set({ state: 'waiting' }, admission.scheduler.waiting);
      set({ state: 'running' }, admission.scheduler.active);
    },
  );
}
