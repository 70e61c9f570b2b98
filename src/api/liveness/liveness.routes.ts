// The liveness page's routes: POST /liveness/sessions/:id/frames ({ image: base64 JPEG/PNG }) scores one frame,
// POST /liveness/sessions/:id/complete ends the session and returns its verdict. No API key: the session id (a
// random UUID the application's backend got from CreateFaceLivenessSession and handed to its user) is the
// capability, as it is for AWS's own liveness client; it is single-use and dies 3 minutes after creation.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Container } from '../../app/container.ts';
import { FacegateError } from '../../errors.ts';
import type { LivenessClient } from '../../liveness/liveness.lockout.ts';
import { SessionId } from '../rekognition/liveness.schemas.ts';

const Params = z.object({ id: SessionId });
/** A selfie frame is tens of kilobytes; 2 MB of base64 (≈ 1.5 MB of JPEG) bounds what a session holds. */
const Frame = z.object({ image: z.string().min(16).max(2_000_000) });
/** The page's own device id (random, kept in the browser's localStorage). */
const DEVICE = /^[A-Za-z0-9_-]{8,64}$/;

function parse<T>(schema: z.ZodType<T>, v: unknown): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new FacegateError('INVALID_PARAMETER', r.error.issues.map((i) => i.message).join('; '));
  return r.data;
}

/**
 * What the lockout keys a request on (liveness.lockout.ts): the client address the server sees (behind a load
 * balancer, the one FACEGATE_TRUST_PROXY lets it believe), and the page's device id as an extra key only.
 */
function client(request: FastifyRequest): LivenessClient {
  const id = request.headers['x-facegate-device'];
  return { address: request.ip, ...(typeof id === 'string' && DEVICE.test(id) ? { device: id } : {}) };
}

export function livenessRoutes(container: Container): FastifyPluginAsync {
  return async (app) => {
    app.post('/liveness/sessions/:id/frames', { bodyLimit: 2_100_000 }, async (request) => {
      const { id } = parse(Params, request.params);
      const { image } = parse(Frame, request.body);
      const bytes = new Uint8Array(Buffer.from(image, 'base64'));
      const svc = await container.get('liveness');
      const r = await svc.addFrame(id, client(request), bytes);
      return { frame: r.frame, faces: r.score.faces, yaw: Math.round(r.score.yaw * 10) / 10, challenge: r.challenge };
    });
    app.post('/liveness/sessions/:id/complete', async (request) => {
      const { id } = parse(Params, request.params);
      const svc = await container.get('liveness');
      const r = await svc.complete(id, client(request));
      return { status: r.status, confidence: r.confidence, reason: r.reason };
    });
  };
}
