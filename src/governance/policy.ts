// Governance policies read from the config: which collections need consent, which keep descriptors only.
import type { Config } from '../config/config.schema.ts';

export interface GovernancePolicy {
  /** Collection ids whose faces need a consent record ('*': all). */
  consentRequired: string[];
  /** Collection ids that keep descriptors and boxes only, never images or thumbnails ('*': all). */
  descriptorOnly: string[];
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export const policyOf = (config: Readonly<Config>): GovernancePolicy => ({
  consentRequired: list(config.governance.consentRequired),
  descriptorOnly: list(config.governance.descriptorOnly),
});

/** True when the collection may keep images (photos, thumbnails, uploads). */
export const keepsImages = (config: Readonly<Config>, collectionId: string): boolean => {
  const d = policyOf(config).descriptorOnly;
  return !(d.includes('*') || d.includes(collectionId));
};
