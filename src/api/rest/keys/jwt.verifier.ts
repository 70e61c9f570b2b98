// Bearer JWTs verified as a Cognito user-pool authorizer does: signature against the issuer's JWKS (fetched from a
// URL and cached by jose, or read from a file), `iss` must match, `aud`/`client_id` when configured, `exp` enforced.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { FacegateError } from '../../../errors.ts';
import type { Role } from './apikey.port.ts';

export interface JwtPrincipal {
  kind: 'jwt';
  id: string;
  name: string;
  role: Role;
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

/** Group claims that grant the admin role (Cognito groups, or a plain `role` claim). */
function roleOf(payload: JWTPayload): Role {
  const groups = payload['cognito:groups'];
  if (Array.isArray(groups) && groups.includes('admin')) return 'admin';
  return payload.role === 'admin' ? 'admin' : 'user';
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
    return { kind: 'jwt', id: sub, name, role: roleOf(payload) };
  };
}
