// The SAS oracle: the official @azure/storage-blob SDK signs the same inputs Noisett signs, so
// the C++ tests can compare query strings byte for byte. Reads a JSON array of cases on stdin and
// prints one query string per case (generateBlobSASQueryParameters(...).toString()), in order.
//
// A case: { account, container, blob, permissions, start?, expiry, protocol?, version?,
//           cacheControl?, accountKey } for a service SAS, or the same with
//           userDelegationKey: { signedObjectId, signedTenantId, signedStartsOn, signedExpiresOn,
//                                signedService, signedVersion, value } instead of accountKey.
// Times are ISO strings ("2026-11-23T18:00:00Z").
import {
  BlobSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from "@azure/storage-blob";

function readStdin() {
  return new Promise((resolve, reject) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => (text += chunk));
    process.stdin.on("end", () => resolve(text));
    process.stdin.on("error", reject);
  });
}

function sign(c) {
  const values = {
    containerName: c.container,
    blobName: c.blob,
    permissions: BlobSASPermissions.parse(c.permissions),
    expiresOn: new Date(c.expiry),
  };
  if (c.start) values.startsOn = new Date(c.start);
  if (c.protocol) values.protocol = c.protocol;
  if (c.version) values.version = c.version;
  if (c.cacheControl) values.cacheControl = c.cacheControl;
  if (c.accountKey) {
    const credential = new StorageSharedKeyCredential(c.account, c.accountKey);
    return generateBlobSASQueryParameters(values, credential).toString();
  }
  const k = c.userDelegationKey;
  const key = {
    signedObjectId: k.signedObjectId,
    signedTenantId: k.signedTenantId,
    signedStartsOn: new Date(k.signedStartsOn),
    signedExpiresOn: new Date(k.signedExpiresOn),
    signedService: k.signedService,
    signedVersion: k.signedVersion,
    value: k.value,
  };
  return generateBlobSASQueryParameters(values, key, c.account).toString();
}

const cases = JSON.parse(await readStdin());
for (const c of cases) process.stdout.write(sign(c) + "\n");
