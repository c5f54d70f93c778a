// Attachments: a 20 MB file uploaded (tus, one PATCH) and downloaded (its signed link) through the
// built server on local storage, and a 12-megapixel photo's checks and thumbnail (multipart upload,
// answered once re-encoded and thumbnailed), each beside its ceiling measured in the same run: a
// plain copy of the same bytes on the same disk (fs.copyFile), and sharp alone on the same photo.
// On S3 (a SeaweedFS of its own): the download through the server (which streams the object, so
// that it carries our safety headers) beside a GET of the object straight from the store, and the
// server's CPU per MB it streamed.
// Writes docs/benchmarks/attachments.{md,json}.
//   scripts/run bench attachments        (RUNS=5 by default)
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedPairs } from './seed.mts';
import { cpuSeconds, machine, median, ROOT, startDatabase, startServer, token } from './support.mts';

const require = createRequire(import.meta.url);
const { Upload } = require('tus-js-client');
const sharp = require('sharp');
const { GetObjectCommand, S3Client } = require('@aws-sdk/client-s3');
const { ensureSeaweedFs, SeaweedFsServer, SEAWEEDFS_TEST_CREDENTIALS } = await import(join(ROOT, 'libs/testing/src/seaweedfs.ts'));

const RUNS = Number(process.env.RUNS ?? 5);
const MB = 1024 * 1024;
const FILE_BYTES = 20 * MB;

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function tusUpload(url: string, auth: string, receiverId: string, bytes: Buffer): Promise<{ id: string; url: string }> {
  return new Promise((resolve, reject) => {
    new Upload(bytes, {
      endpoint: `${url}/Chat/Attachments/Uploads`,
      headers: { Authorization: auth },
      metadata: { receiverId, filename: 'bench.pdf', filetype: 'application/pdf' },
      onSuccess: ({ lastResponse }: { lastResponse: { getBody(): string } }) => {
        const data = JSON.parse(lastResponse.getBody()).data;
        resolve({ id: data.id, url: data.attachment.url });
      },
      onError: reject,
    }).start();
  });
}

const database = await startDatabase();
const dataDir = mkdtempSync(join(tmpdir(), 'chat-bench-attachments-'));
const server = await startServer(`${database.baseUri}/bench_attachments`, { DATA_DIR: dataDir, ATTACHMENT_STORAGE: 'local', ATTACHMENT_UNSENT_TTL_MS: '3600000' });
try {
  const [{ from, to }] = await seedPairs(`${database.baseUri}/bench_attachments`, 1);
  const auth = `Bearer ${token(from)}`;
  const file = Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), randomBytes(FILE_BYTES - 9)]);
  const source = join(dataDir, 'source.bin');
  writeFileSync(source, file);
  const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 85 }).toBuffer();

  const upload: number[] = [];
  const download: number[] = [];
  const copy: number[] = [];
  const photoUpload: number[] = [];
  const sharpAlone: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let start = process.hrtime.bigint();
    const uploaded = await tusUpload(server.url, auth, to, file);
    upload.push(FILE_BYTES / MB / seconds(start));

    start = process.hrtime.bigint();
    const body = Buffer.from(await (await fetch(new URL(uploaded.url, server.url))).arrayBuffer());
    if (body.length !== FILE_BYTES) throw new Error(`downloaded ${body.length} bytes`);
    download.push(FILE_BYTES / MB / seconds(start));

    start = process.hrtime.bigint();
    copyFileSync(source, join(dataDir, `copy-${run}.bin`));
    copy.push(FILE_BYTES / MB / seconds(start));

    start = process.hrtime.bigint();
    const form = new FormData();
    form.set('receiverId', to);
    form.set('file', new Blob([photo], { type: 'image/jpeg' }), 'photo.jpg');
    const response = await fetch(`${server.url}/Chat/Attachments`, { method: 'POST', headers: { Authorization: auth }, body: form });
    if (response.status !== 201) throw new Error(`photo upload: ${response.status} ${await response.text()}`);
    photoUpload.push(seconds(start) * 1000);

    start = process.hrtime.bigint();
    const display = await sharp(photo).rotate().jpeg({ quality: 90 }).toBuffer();
    await sharp(display).resize(320, 320, { fit: 'inside' }).webp({ quality: 70 }).toBuffer();
    sharpAlone.push(seconds(start) * 1000);
  }

  const s3 = await s3Downloads(file);

  const figures = {
    s3,
    date: new Date().toISOString(),
    machine: machine(),
    runs: RUNS,
    fileMB: FILE_BYTES / MB,
    uploadMBps: median(upload),
    downloadMBps: median(download),
    plainCopyMBps: median(copy),
    photo: { megapixels: 12, bytes: photo.length },
    photoUploadMs: median(photoUpload),
    sharpAloneMs: median(sharpAlone),
  };
  const r = (n: number) => Math.round(n);
  const md = `# Attachments benchmark

${figures.date}, ${figures.machine.cpu} (${figures.machine.cores} cores), Node ${figures.machine.node}; embedded FerretDB,
local storage; medians of ${RUNS} runs. Command: \`scripts/run bench attachments\`.

| what | ours | ceiling (same run) | ratio |
| --- | --- | --- | --- |
| upload of a ${figures.fileMB} MB file (tus, one PATCH, answered once checked) | ${r(figures.uploadMBps)} MB/s | plain copy on the same disk ${r(figures.plainCopyMBps)} MB/s | ${(figures.uploadMBps / figures.plainCopyMBps).toFixed(2)} |
| download of it (signed link) | ${r(figures.downloadMBps)} MB/s | plain copy ${r(figures.plainCopyMBps)} MB/s | ${(figures.downloadMBps / figures.plainCopyMBps).toFixed(2)} |
| download of it from S3 through the server (streamed, with our safety headers) | ${r(s3.throughServerMBps)} MB/s, server CPU ${s3.serverCpuMsPerMB.toFixed(1)} ms per MB | the same object straight from the store ${r(s3.directMBps)} MB/s | ${(s3.throughServerMBps / s3.directMBps).toFixed(2)} |
| a ${figures.photo.megapixels} MP JPEG (${(figures.photo.bytes / MB).toFixed(1)} MB): upload, sniff, re-encode without metadata, thumbnail | ${r(figures.photoUploadMs)} ms | sharp alone (re-encode + thumbnail) ${r(figures.sharpAloneMs)} ms | ${(figures.photoUploadMs / figures.sharpAloneMs).toFixed(2)} |
`;
  writeFileSync(join(ROOT, 'docs/benchmarks/attachments.md'), md);
  writeFileSync(join(ROOT, 'docs/benchmarks/attachments.json'), `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(md);
} finally {
  await server.stop();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

/** The file uploaded to a server on S3, then downloaded RUNS times through it and straight from the store. */
async function s3Downloads(file: Buffer) {
  const weedDir = mkdtempSync(join(tmpdir(), 'chat-bench-s3-'));
  const weed = new SeaweedFsServer(await ensureSeaweedFs(join(ROOT, '.tools'), (line: string) => console.log(line)), weedDir);
  await weed.start();
  const bucket = 'bench-attachments';
  const uri = `${database.baseUri}/bench_attachments_s3`;
  const onS3 = await startServer(uri, {
    DATA_DIR: weedDir, ATTACHMENT_STORAGE: 's3', S3_BUCKET: bucket, S3_ENDPOINT: weed.endpoint,
    S3_ACCESS_KEY_ID: SEAWEEDFS_TEST_CREDENTIALS.accessKeyId, S3_SECRET_ACCESS_KEY: SEAWEEDFS_TEST_CREDENTIALS.secretAccessKey,
  });
  const client = new S3Client({ endpoint: weed.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: SEAWEEDFS_TEST_CREDENTIALS });
  try {
    const [{ from, to }] = await seedPairs(uri, 1);
    const uploaded = await tusUpload(onS3.url, `Bearer ${token(from)}`, to, file);
    const through: number[] = [];
    const direct: number[] = [];
    const cpuMsPerMB: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const cpuBefore = cpuSeconds(onS3.process.pid!);
      let start = process.hrtime.bigint();
      const response = await fetch(new URL(uploaded.url, onS3.url));
      const body = Buffer.from(await response.arrayBuffer());
      if (body.length !== FILE_BYTES || response.headers.get('x-content-type-options') !== 'nosniff') throw new Error(`S3 download: ${body.length} bytes, ${response.status}`);
      through.push(FILE_BYTES / MB / seconds(start));
      cpuMsPerMB.push(((cpuSeconds(onS3.process.pid!) - cpuBefore) * 1000) / (FILE_BYTES / MB));

      start = process.hrtime.bigint();
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: uploaded.id }));
      const bytes = await object.Body.transformToByteArray();
      if (bytes.length !== FILE_BYTES) throw new Error(`direct GET: ${bytes.length} bytes`);
      direct.push(FILE_BYTES / MB / seconds(start));
    }
    return { throughServerMBps: median(through), directMBps: median(direct), serverCpuMsPerMB: median(cpuMsPerMB) };
  } finally {
    client.destroy();
    await onS3.stop();
    await weed.stop();
    rmSync(weedDir, { recursive: true, force: true });
  }
}
