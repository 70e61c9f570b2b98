// Bearer JWTs verified as a Cognito user-pool authorizer does: signature against the issuer's JWKS (fetched from a
// URL and cached by jose, or read from a file), `iss` must match, `aud`/`client_id` when configured, `exp` enforced.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { FacegateError } from '../../../errors.ts';
import type { KeyScope, Role } from './apikey.port.ts';

export interface JwtPrincipal {
  kind: 'jwt';
  id: string;
  name: string;
  role: Role;
  /** Tokens are not scoped: the role alone decides. */
  scope: KeyScope;
}

export interface JwtSettings {
  issuer: string;
  jwksUrl?: string;
  jwksFile?: string;
  audience?: string;
}

export type JwtVerifier = (token: string) => Promise<JwtPrincipal>;

/** Cognito puts the app client in `client_id` on access tokens and in `aud` on id tokens: accept either. */
function audienceMatches(payload: JWTPayload, audience: string): boolean {
  const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
  return aud.includes(audience) || payload.client_id === audience;
}

/**
 * The role from the Cognito groups (`cognito:groups` holding admin, operator or reader; the strongest wins) or a
 * plain `role` claim. A token naming none of them keeps what it could do before roles existed: operator.
 */
export function roleOfClaims(payload: JWTPayload): Role {
  const groups = payload['cognito:groups'];
  const named = [...(Array.isArray(groups) ? groups : []), payload.role].filter((g) => typeof g === 'string');
  if (named.includes('admin')) return 'admin';
  if (named.includes('operator')) return 'operator';
  if (named.includes('reader')) return 'reader';
  return 'operator';
}

export function createJwtVerifier(settings: JwtSettings): JwtVerifier {
  const keys = settings.jwksFile
    ? createLocalJWKSet(JSON.parse(readFileSync(settings.jwksFile, 'utf8')) as JSONWebKeySet)
    : settings.jwksUrl
      ? createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 3000 })
      : undefined;
  if (!keys) throw new FacegateError('INVALID_PARAMETER', 'JWT verification needs a JWKS URL or file');
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: settings.issuer, clockTolerance: 30 }));
    } catch (e) {
      throw new FacegateError('UNAUTHENTICATED', 'The bearer token is invalid or expired', { cause: e });
    }
    if (settings.audience && !audienceMatches(payload, settings.audience)) {
      throw new FacegateError('UNAUTHENTICATED', 'The bearer token is for another audience');
    }
    const sub = payload.sub ?? 'unknown';
    const name = typeof payload.username === 'string' ? payload.username : sub;
    return { kind: 'jwt', id: sub, name, role: roleOfClaims(payload), scope: {} };
  };
}
