// The deployment files are kept working: deploy/docker-compose.yml, deploy/nginx.conf, deploy/Dockerfile and
// deploy/k8s/*.yaml are parsed and checked against the code: every FACEGATE_* variable they set is a setting the
// config knows (and the values load), every image is one the Dockerfile builds or a named upstream image, every
// port is the one the processes listen on, every probe and health-check path answers, every Secret key exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainer } from '../../src/app/container.ts';
import type { CollectionService } from '../../src/collections/collection.service.ts';
import { ENV_VARS, loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { Metrics } from '../../src/metrics/metrics.registry.ts';
import { buildApp } from '../../src/server/app.ts';
import type { ObjectStore } from '../../src/storage/object-store.port.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';
import { parseYamlDocuments, type Yaml } from '../helpers/yaml.subset.ts';

const root = new URL('../../', import.meta.url).pathname;
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const version = (JSON.parse(read('package.json')) as { version: string }).version;
const IMAGE = `facegate:${version}`;

type Obj = { [k: string]: Yaml };
const obj = (v: Yaml | undefined): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
const arr = (v: Yaml | undefined): Yaml[] => (Array.isArray(v) ? v : []);

const compose = obj(parseYamlDocuments(read('deploy/docker-compose.yml'))[0]);
const services = obj(compose.services);
const facegateServices = Object.entries(services).filter(([, s]) => obj(s).image === IMAGE || obj(s).build);
const k8s = readdirSync(join(root, 'deploy/k8s'))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseYamlDocuments(read(`deploy/k8s/${f}`)).map((d) => ({ file: f, doc: obj(d) })));
const deployments = k8s.filter((r) => r.doc.kind === 'Deployment');
const containers = deployments.flatMap((d) =>
  arr(obj(obj(obj(d.doc.spec).template).spec).containers).map((c) => ({ file: d.file, c: obj(c) })),
);

/** "${NAME:-default}" → default, as compose substitutes it when NAME is unset. */
const substitute = (v: string) => v.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');

function loadsAsConfig(env: Record<string, string>, where: string): ReturnType<typeof loadConfig> {
  for (const name of Object.keys(env).filter((n) => n.startsWith('FACEGATE_'))) {
    assert.ok(name in ENV_VARS, `${where}: ${name} is not a setting in src/config/config.ts`);
  }
  return loadConfig(env);
}

test('the compose file has Postgres with pgvector, MinIO, two API processes, one worker and a proxy', () => {
  assert.match(String(obj(services.postgres).image), /^pgvector\/pgvector:/);
  assert.match(String(obj(services.minio).image), /^minio\/minio:/);
  const roles = facegateServices.map(([, s]) => arr(obj(s).command).join(' '));
  assert.deepEqual(roles.sort(), ['serve --role api', 'serve --role api', 'serve --role worker']);
  assert.ok(services.proxy, 'a reverse proxy');
});

test('every image is built by deploy/Dockerfile (tagged with the package version) or a tagged upstream image', () => {
  for (const [name, s] of facegateServices) {
    assert.equal(obj(s).image, IMAGE, name);
    const build = obj(obj(s).build);
    assert.ok(existsSync(join(root, 'deploy', String(build.context), String(build.dockerfile))), `${name}: Dockerfile`);
  }
  for (const [name, s] of Object.entries(services)) assert.match(String(obj(s).image), /^[a-z0-9./-]+:[\w.-]+$/, name);
  for (const { file, c } of containers) assert.equal(c.image, IMAGE, file);
  const dockerfile = read('deploy/Dockerfile');
  const entry = /ENTRYPOINT \["node", "([^"]+)"\]/.exec(dockerfile)?.[1];
  assert.ok(entry && existsSync(join(root, entry)), 'the ENTRYPOINT script exists');
});

test('every FACEGATE_* variable set is a known setting and the values load as a valid configuration', () => {
  for (const [name, s] of facegateServices) {
    const env = Object.fromEntries(Object.entries(obj(obj(s).environment)).map(([k, v]) => [k, substitute(String(v))]));
    const config = loadsAsConfig(env, `compose ${name}`);
    assert.equal(config.objectStore.bucket, 'facegate');
    assert.match(config.database.url ?? '', /^postgres:\/\/facegate:/);
  }
  const secret = k8s.find((r) => r.doc.kind === 'Secret')!;
  const secretData = obj(secret.doc.stringData);
  for (const { file, c } of containers) {
    const env: Record<string, string> = {};
    for (const e of arr(c.env).map(obj)) {
      const ref = obj(obj(e.valueFrom).secretKeyRef);
      if (ref.key !== undefined) {
        assert.equal(ref.name, obj(secret.doc.metadata).name, `${file}: ${String(e.name)} names the Secret`);
        assert.ok(Object.hasOwn(secretData, String(ref.key)), `${file}: Secret key ${String(ref.key)} exists`);
        env[String(e.name)] = String(secretData[String(ref.key)]);
      } else env[String(e.name)] = String(e.value);
    }
    loadsAsConfig(env, file);
  }
});

test('ports: every process listens where the proxy, the Service, the probes and the health checks look', () => {
  const port = (env: Record<string, Yaml>) =>
    loadConfig({ FACEGATE_PORT: String(env.FACEGATE_PORT ?? '') }).server.port;
  const nginx = read('deploy/nginx.conf');
  const upstream = [...nginx.matchAll(/server ([\w-]+):(\d+);/g)].map((m) => [m[1]!, Number(m[2])] as const);
  assert.equal(upstream.length, 2);
  for (const [host, p] of upstream) {
    const s = obj(services[host]);
    assert.ok(s.command && arr(s.command).includes('api'), `${host} is an API service`);
    assert.equal(port(obj(s.environment)), p, `${host} listens on ${p}`);
  }
  for (const [name, s] of facegateServices) {
    const check = arr(obj(obj(s).healthcheck).test).join(' ');
    const p = Number(/127\.0\.0\.1:(\d+)\//.exec(check)?.[1]);
    assert.equal(p, port(obj(obj(s).environment)), `${name} health check port`);
  }
  for (const { file, c } of containers) {
    const env = Object.fromEntries(arr(c.env).map((e) => [String(obj(e).name), obj(e).value ?? '']));
    const named = Object.fromEntries(arr(c.ports).map((p) => [String(obj(p).name), obj(p).containerPort]));
    assert.equal(named.http, port(env), `${file}: containerPort`);
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      assert.ok(Object.hasOwn(named, String(obj(obj(c[probe]).httpGet).port)), `${file}: ${probe} port is named`);
    }
    assert.ok(obj(obj(c.resources).requests).cpu && obj(obj(c.resources).requests).memory, `${file}: requests`);
  }
  const svc = k8s.find((r) => r.doc.kind === 'Service')!;
  const target = String(obj(arr(obj(svc.doc.spec).ports)[0]).targetPort);
  assert.ok(
    containers.some(({ c }) => arr(c.ports).some((p) => obj(p).name === target)),
    'Service targetPort',
  );
});

test('every probe and health-check path is served by a process of that role', async () => {
  const paths: { role: string; path: string }[] = [];
  for (const { c } of containers) {
    const role = String(arr(c.args)[2]);
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      paths.push({ role, path: String(obj(obj(c[probe]).httpGet).path) });
    }
  }
  for (const [, s] of facegateServices) {
    const path = /127\.0\.0\.1:\d+(\/\w+)/.exec(arr(obj(obj(s).healthcheck).test).join(' '))?.[1];
    paths.push({ role: String(arr(obj(s).command)[2]), path: String(path) });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-deploy-'));
  try {
    for (const { role, path } of paths) {
      const container = createContainer(loadConfig({ FACEGATE_ROLE: role }, { dataDir }), createLogger('silent'), {
        metrics: new Metrics({ processMetrics: false }),
        overrides: {
          engine: { close: async () => undefined } as unknown as FaceEngine,
          collections: {} as CollectionService,
          objects: {} as ObjectStore,
        },
      });
      const app = await buildApp(container, { noAuth: true });
      try {
        await container.settled();
        const res = await app.inject({ method: 'GET', url: path });
        assert.equal(res.statusCode, 200, `${role}: GET ${path}`);
      } finally {
        await app.close();
        await container.close();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the YAML reader refuses what it does not check (anchors, block scalars)', () => {
  assert.throws(() => parseYamlDocuments('a: &x 1\n'), /line 1/);
  assert.throws(() => parseYamlDocuments('a: |\n  text\n'), /line 1/);
  assert.deepEqual(parseYamlDocuments('k:\n  [\n    "a",\n    \'b, c\',\n  ]\n'), [{ k: ['a', 'b, c'] }]);
  assert.deepEqual(parseYamlDocuments('a:\n- 1\n- "two"\nb: [x, \'y z\']\n---\nc: {}\n'), [
    { a: [1, 'two'], b: ['x', 'y z'] },
    { c: {} },
  ]);
});
