// Local receivers for notification tests: an HTTP server that records requests, an SMTP server, an MQTT probe.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import mqtt, { type MqttClient } from 'mqtt';
import { mqttUrl } from '../helpers/services.ts';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers each request with `status(path)`; `next(path)` resolves with the next request to that path. */
export async function httpReceiver(status: (path: string) => number, reply = '') {
  const waiting = new Map<string, ((r: Received) => void)[]>();
  const seen: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(r);
      res.writeHead(status(r.path), { 'content-type': reply.startsWith('<') ? 'text/xml' : 'application/json' });
      res.end(reply);
      const w = waiting.get(r.path)?.shift();
      w?.(r);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    next(path: string): Promise<Received> {
      return new Promise((resolve) => waiting.set(path, [...(waiting.get(path) ?? []), resolve]));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function smtpReceiver() {
  const waiting: ((raw: string) => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        callback();
        waiting.shift()?.(Buffer.concat(chunks).toString('utf8'));
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = ((server as unknown as { server: Server }).server.address() as AddressInfo).port;
  return {
    port,
    next: () => new Promise<string>((r) => waiting.push(r)),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The test broker (test/helpers/services.ts): the machine's Mosquitto, or an aedes broker started for the run. */
export const MQTT_URL = mqttUrl();

/** Connects with a short timeout and no reconnect: a missing broker fails the test at once, with a clear message. */
export async function mqttProbe(): Promise<MqttClient> {
  try {
    return await mqtt.connectAsync(MQTT_URL, { connectTimeout: 3000, reconnectPeriod: 0 });
  } catch (e) {
    throw new Error(
      `MQTT broker not reachable at ${MQTT_URL} (start mosquitto, or run through scripts/test.mjs): ${(e as Error).message}`,
    );
  }
}
