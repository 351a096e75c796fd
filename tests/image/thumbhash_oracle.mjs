// The ThumbHash oracle: npm `thumbhash` (the format's reference implementation) encodes the
// images the C++ test sends. stdin: JSON [{"w":..,"h":..,"rgba":"<base64>"}, ...];
// stdout: JSON ["<hex>", ...], one hash per image.
import { rgbaToThumbHash } from 'thumbhash';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const hashes = JSON.parse(input).map(({ w, h, rgba }) =>
  Buffer.from(rgbaToThumbHash(w, h, Buffer.from(rgba, 'base64'))).toString('hex'));
process.stdout.write(JSON.stringify(hashes));
