// Child process of registration.crash.test.ts: registers people (two photos each) in a loop on a real data
// directory and prints one JSON line per acknowledged registration. The parent kills it with SIGKILL mid-stream.
import { fakeImage } from '../collections/fake.engine.ts';
import { openRegistrationStack } from './registration.stack.ts';

const dataDir = process.argv[2]!;
const stack = await openRegistrationStack(dataDir);
for (let seq = 0; ; seq++) {
  const who = `p${process.pid}-${seq}`;
  const p = await stack.verify.register({ name: who, email: `${who}@example.com` }, [
    fakeImage([{ person: who, variant: 1, px: 300 }]),
    fakeImage([{ person: who, variant: 2, px: 300 }]),
  ]);
  process.stdout.write(JSON.stringify({ personId: p.personId, faceIds: p.photos.map((ph) => ph.faceId) }) + '\n');
}
