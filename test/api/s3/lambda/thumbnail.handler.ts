// A Lambda-style handler written the way the AWS tutorials write them (the Step Functions image-processing
// workshop's face-index and thumbnail functions): clients built with no options at all, so the endpoint, region and
// credentials come from the standard AWS_* environment variables. For each S3 record: GetObject the photo,
// IndexFaces it by S3Object, PutObject a 300 px thumbnail beside it.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { IndexFacesCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import sharp from 'sharp';

const s3 = new S3Client({});
const rekognition = new RekognitionClient({});

interface S3Event {
  Records: { s3: { bucket: { name: string }; object: { key: string } } }[];
}

export const handler = async (event: S3Event, collectionId: string) => {
  const results = [];
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const original = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await original.Body!.transformToByteArray();
    const indexed = await rekognition.send(
      new IndexFacesCommand({
        CollectionId: collectionId,
        Image: { S3Object: { Bucket: bucket, Name: key } },
        ExternalImageId: key.replace(/[^a-zA-Z0-9_.\-:]/g, '_'),
        MaxFaces: 1,
      }),
    );
    const thumbnail = await sharp(bytes).resize(300, 300, { fit: 'inside' }).jpeg().toBuffer();
    const thumbnailKey = `thumbnails/${key}`;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: thumbnailKey, Body: thumbnail, ContentType: 'image/jpeg' }),
    );
    results.push({ faceId: indexed.FaceRecords?.[0]?.Face?.FaceId, thumbnailKey, s3bucket: bucket, s3key: key });
  }
  return results;
};

// Run as a process: argv[2] is the event JSON, argv[3] the collection; prints the handler's result as JSON.
const [eventJson, collection] = process.argv.slice(2);
if (eventJson && collection) {
  handler(JSON.parse(eventJson) as S3Event, collection).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).name}: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
