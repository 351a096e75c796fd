// Deletes this run's container from a shared Azurite at the end of scripts/scaleout.sh, so the
// thousands of blobs the load made do not slow the suites that share that Azurite afterwards
// (Azurite keeps its blob index in memory and gets slower as it grows). Uses the official SDK
// with the account key.
//
//   NODE_EXTRA_CA_CERTS=CA.pem node tests/scaleout/drop_container.mjs ENDPOINT KEY CONTAINER...
// ENDPOINT is path-style: https://127.0.0.1:PORT/devstoreaccount1. A missing container is fine.
import { BlobServiceClient, StorageSharedKeyCredential, newPipeline } from '@azure/storage-blob';

// The SDK's default REST version is newer than Azurite 3.37 accepts; send Noisett's
// (storage/azure/azure_config.h), set before the Sign phase so Shared Key signs it.
const REST_VERSION = '2025-11-05';

const [endpoint, key, ...containers] = process.argv.slice(2);
const account = new URL(endpoint).pathname.replace(/^\/|\/$/g, '');
const pipeline = newPipeline(new StorageSharedKeyCredential(account, key));
pipeline.factories.push({
  create: (next) => ({
    sendRequest: (request) => {
      request.headers.set('x-ms-version', REST_VERSION);
      return next.sendRequest(request);
    },
  }),
});
const service = new BlobServiceClient(endpoint, pipeline);
for (const name of containers) {
  const result = await service.getContainerClient(name).deleteIfExists();
  console.log(`scaleout: container ${name} ${result.succeeded ? 'deleted' : 'was not there'}`);
}
