// Consent records as personal data: exported with the person, deleted on erasure.
import type { ConsentService } from './consent.service.ts';
import type { PersonalDataHolder } from './privacy.types.ts';

export function consentHolder(consent: ConsentService): PersonalDataHolder {
  return {
    name: 'consent',
    export: async (s) => ({ records: await consent.forSubject(s.personId) }),
    erase: async (s) => consent.remove(s.personId),
  };
}
