import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FACE_MODELS, visionRuntime } from './vision.helper.ts';

const BIN = fileURLToPath(new URL('../../bin/facegate.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/images/${name}`, import.meta.url));

/** Runs the CLI; a generous timeout so that a stuck model load fails the test instead of hanging it. */
function facegate(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `facegate ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  // The CLI reads the same default model cache; prepare it here so that the commands do not fail on a fresh clone.
  await (await visionRuntime([...FACE_MODELS, 'mobilefacenet', 'centernet'])).close();
});

describe('vision CLI', () => {
  test('facegate detect --json prints one face with landmarks for grace_hopper', () => {
    const out = JSON.parse(facegate('detect', fixture('grace_hopper_512x512.jpg'), '--json')) as {
      faces: { landmarks: unknown[]; attributes?: unknown }[];
    };
    assert.equal(out.faces.length, 1);
    assert.equal(out.faces[0]!.landmarks.length, 30);
    assert.equal(out.faces[0]!.attributes, undefined);
  });

  test('facegate detect --attributes all prints the attributes', () => {
    const out = facegate('detect', fixture('astronaut.png'), '--attributes', 'all');
    assert.match(out, /1 face\(s\)/);
    assert.match(out, /smile yes/);
  });

  test('facegate compare matches the same person across two photos', () => {
    const out = JSON.parse(
      facegate('compare', fixture('identity.jpg'), fixture('looking_at_screen.jpg'), '--json'),
    ) as {
      matches: unknown[];
    };
    assert.equal(out.matches.length, 1);
  });

  test('facegate labels finds a person holding a phone', () => {
    const out = facegate('labels', fixture('cellphone.jpg'));
    assert.match(out, /Person/);
    assert.match(out, /Phone/);
  });
});
