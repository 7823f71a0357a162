/** Go's `encoding/pem` (Go 1.26) as ESO's functions use it: `Decode`, `Encode`. */

/** A PEM block: type, headers, and the decoded bytes. */
export interface PemBlock {
  readonly type: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly bytes: Buffer;
}

const START = Buffer.from('\n-----BEGIN ');
const END = Buffer.from('\n-----END ');
const EOL = Buffer.from('-----');

function getLine(data: Buffer): [Buffer, Buffer, number] {
  let i = data.indexOf(0x0a);
  let j: number;
  if (i < 0) {
    i = data.length;
    j = i;
  } else {
    j = i + 1;
    if (i > 0 && data[i - 1] === 0x0d) i--;
  }
  let k = i;
  while (k > 0 && (data[k - 1] === 0x20 || data[k - 1] === 0x09)) k--;
  return [data.subarray(0, k), data.subarray(j), j];
}

const trimSpace = (b: Buffer): string => b.toString('latin1').replace(/^[\s]+|[\s]+$/g, '');
const STD_B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Go's `base64.StdEncoding.Decode` (CR and LF ignored, strict padding), or undefined. */
function decodeB64(data: Buffer): Buffer | undefined {
  const s = data.toString('latin1').replace(/[\r\n \t]/g, '');
  if (!STD_B64.test(s) || s.length % 4 !== 0) return undefined;
  return Buffer.from(s, 'base64');
}

/** Go's `pem.Decode`: the first block and the rest, or `undefined` and the whole input. */
export function pemDecode(data: Buffer): [PemBlock | undefined, Buffer] {
  let rest = data;
  let endTrailerIndex = 0;
  for (;;) {
    if (endTrailerIndex < 0 || endTrailerIndex > rest.length) return [undefined, data];
    rest = rest.subarray(endTrailerIndex);
    // Find the first END line, then the last BEGIN before it (Go 1.26, golang/go#76124).
    let endIndex = rest.indexOf(END);
    if (endIndex < 0) return [undefined, data];
    endTrailerIndex = endIndex + END.length;
    const beginIndex = rest.subarray(0, endIndex).lastIndexOf(START.subarray(1));
    if (beginIndex < 0 || (beginIndex > 0 && rest[beginIndex - 1] !== 0x0a)) continue;
    const skip = beginIndex + START.length - 1;
    rest = rest.subarray(skip);
    endIndex -= skip;
    endTrailerIndex -= skip;
    let typeLine: Buffer;
    let consumed: number;
    [typeLine, rest, consumed] = getLine(rest);
    endIndex -= consumed;
    endTrailerIndex -= consumed;
    if (!typeLine.subarray(typeLine.length - EOL.length).equals(EOL) || typeLine.length < EOL.length) continue;
    typeLine = typeLine.subarray(0, typeLine.length - EOL.length);
    const headers = new Map<string, string>();
    let truncated = false;
    for (;;) {
      if (rest.length === 0) {
        truncated = true;
        break;
      }
      const [line, next, used] = getLine(rest);
      const colon = line.indexOf(0x3a);
      if (colon < 0) break;
      headers.set(trimSpace(line.subarray(0, colon)), trimSpace(line.subarray(colon + 1)));
      rest = next;
      endIndex -= used;
      endTrailerIndex -= used;
    }
    if (truncated) return [undefined, data];
    if (headers.size > 0 && endIndex < 0) continue;
    const trailerLen = typeLine.length + EOL.length;
    if (endTrailerIndex < 0) continue;
    const endTrailerAll = rest.subarray(endTrailerIndex);
    if (endTrailerAll.length < trailerLen) continue;
    const trailer = endTrailerAll.subarray(0, trailerLen);
    if (!trailer.subarray(0, typeLine.length).equals(typeLine) || !trailer.subarray(typeLine.length).equals(EOL)) continue;
    if (getLine(endTrailerAll.subarray(trailerLen))[0].length !== 0) continue;
    let bytes: Buffer = Buffer.alloc(0);
    if (endIndex > 0) {
      const decoded = decodeB64(rest.subarray(0, endIndex));
      if (!decoded) continue;
      bytes = decoded;
    }
    const after = getLine(rest.subarray(endIndex + END.length - 1))[1];
    return [{ type: typeLine.toString('latin1'), headers, bytes }, after];
  }
}

/** Go's `pem.Encode`: Proc-Type first, other headers sorted, base64 in 64-character lines. */
export function pemEncode(type: string, bytes: Buffer, headers: ReadonlyMap<string, string> = new Map()): string {
  let out = `-----BEGIN ${type}-----\n`;
  if (headers.size > 0) {
    const proc = headers.get('Proc-Type');
    if (proc !== undefined) out += `Proc-Type: ${proc}\n`;
    for (const k of [...headers.keys()].filter((k) => k !== 'Proc-Type').sort()) out += `${k}: ${headers.get(k) ?? ''}\n`;
    out += '\n';
  }
  const b64 = bytes.toString('base64');
  for (let i = 0; i < b64.length; i += 64) out += `${b64.slice(i, i + 64)}\n`;
  return `${out}-----END ${type}-----\n`;
}
