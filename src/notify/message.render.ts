// Events in words, for people: the subject line (also the SMS text) and a plain-text body.
import type { DomainEvent } from '../events/event.types.ts';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

export function renderSubject(e: DomainEvent): string {
  const d = e.data;
  const who = str(d.userId) ?? str(d.externalImageId) ?? str(d.key) ?? 'photo';
  const reasons = Array.isArray(d.reasons) ? d.reasons.map(String).join('; ') : '';
  switch (e.type) {
    case 'pipeline.succeeded':
      return `Facegate: ${who} registered (pipeline ${e.pipeline ?? '?'}, face ${str(d.faceId) ?? '?'})`;
    case 'pipeline.failed':
      return `Facegate: ${who} rejected: ${str(d.error) ?? 'failed'}${reasons ? ` (${reasons})` : ''}`;
    case 'pipeline.started':
      return `Facegate: processing ${who} (pipeline ${e.pipeline ?? '?'})`;
    case 'face.indexed':
      return `Facegate: face ${str(d.faceId) ?? '?'} indexed as ${who} in ${e.collectionId ?? '?'}`;
    case 'face.matched':
      return `Facegate: ${who} matches a known face in ${e.collectionId ?? '?'}`;
    case 'face.unknown':
      return `Facegate: ${who} is not a known face in ${e.collectionId ?? '?'}`;
    case 'object.created':
      return `Facegate: object ${str(d.bucket) ?? '?'}/${who} stored`;
    case 'door.known':
      return `Facegate: ${str(d.visitorName) ?? 'a visitor'} is at ${str(d.doorName) ?? 'the door'}`;
    case 'door.unknown': {
      // The link is only in the copy delivered to the door's owner (src/apps/door/owner.link.ts).
      const link = str(d.approvalUrl);
      return `Facegate: a stranger is at ${str(d.doorName) ?? 'the door'}${link ? `. Approve or deny: ${link}` : ''}`;
    }
    case 'door.approved':
      return `Facegate: ${str(d.visitorName) ?? 'a visitor'} was approved at ${str(d.doorName) ?? 'the door'}`;
    case 'door.denied':
      return `Facegate: a stranger was denied at ${str(d.doorName) ?? 'the door'}`;
    case 'door.opened':
      return `Facegate: ${str(d.doorName) ?? 'the door'} was opened by ${str(d.visitorName) ?? 'a visitor'}`;
  }
}

export function renderText(e: DomainEvent): string {
  const lines = [renderSubject(e), '', `event: ${e.type}`, `id: ${e.id}`, `at: ${e.occurredAt}`];
  if (e.pipeline) lines.push(`pipeline: ${e.pipeline}`);
  if (e.collectionId) lines.push(`collection: ${e.collectionId}`);
  if (e.runId) lines.push(`run: ${e.runId}`);
  for (const [k, v] of Object.entries(e.data)) {
    if (v !== undefined && v !== null) lines.push(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return lines.join('\n');
}
