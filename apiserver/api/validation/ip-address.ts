// IP addresses and CIDRs the way Kubernetes reads them in its API fields (k8s.io/utils/net ParseIPSloppy and
// ParseCIDRSloppy): Go 1.16's parser, which still accepts IPv4 octets with leading zeros ("010.0.0.1"). Node's
// net.isIP is stricter, and it accepts zone suffixes ("fe80::1%eth0") that Kubernetes rejects, so it won't do.

const ipv4Length = 4;
const ipv6Length = 16;
// Go stops reading a number once it reaches this much: plenty for an octet or a 16-bit group.
const big = 0xffffff;

interface Scanned { value: number; consumed: number }

function decimalPrefix(s: string): Scanned | undefined {
  let value = 0;
  let i = 0;
  for (; i < s.length && s[i] >= '0' && s[i] <= '9'; i++) {
    value = value * 10 + (s.charCodeAt(i) - 48);
    if (value >= big) return undefined;
  }
  return i === 0 ? undefined : { value, consumed: i };
}

function hexPrefix(s: string): Scanned | undefined {
  let value = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const digit = parseInt(s[i], 16);
    if (Number.isNaN(digit)) break;
    value = value * 16 + digit;
    if (value >= big) return undefined;
  }
  return i === 0 ? undefined : { value, consumed: i };
}

/** Four dotted decimal octets, leading zeros allowed. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(ipv4Length);
  let s = text;
  for (let i = 0; i < ipv4Length; i++) {
    if (s.length === 0) return undefined;
    if (i > 0) {
      if (s[0] !== '.') return undefined;
      s = s.slice(1);
    }
    const n = decimalPrefix(s);
    if (!n || n.value > 0xff) return undefined;
    bytes[i] = n.value;
    s = s.slice(n.consumed);
  }
  return s.length === 0 ? bytes : undefined;
}

/** Hex groups with at most one `::`, optionally ending in an embedded IPv4 address. No zone. */
export function parseIPv6(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(ipv6Length);
  let s = text;
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return bytes;
  }
  let i = 0;
  while (i < ipv6Length) {
    const n = hexPrefix(s);
    if (!n || n.value > 0xffff) return undefined;
    if (n.consumed < s.length && s[n.consumed] === '.') {
      // The rest is an IPv4 address, which must take the last 4 bytes unless an ellipsis makes room.
      if (ellipsis < 0 && i !== ipv6Length - ipv4Length) return undefined;
      if (i + ipv4Length > ipv6Length) return undefined;
      const v4 = parseIPv4(s);
      if (!v4) return undefined;
      bytes.set(v4, i);
      s = '';
      i += ipv4Length;
      break;
    }
    bytes[i] = n.value >> 8;
    bytes[i + 1] = n.value & 0xff;
    i += 2;
    s = s.slice(n.consumed);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  if (i < ipv6Length) {
    if (ellipsis < 0) return undefined;
    const gap = ipv6Length - i;
    bytes.copyWithin(ellipsis + gap, ellipsis, i);
    bytes.fill(0, ellipsis, ellipsis + gap);
  } else if (ellipsis >= 0) {
    // An ellipsis must stand for at least one group of zeros.
    return undefined;
  }
  return bytes;
}

/** The address as Go's net.ParseIP reads it (the first '.' or ':' decides the family), or undefined. */
export function parseIPSloppy(text: string): Uint8Array | undefined {
  for (const ch of text) {
    if (ch === '.') return parseIPv4(text);
    if (ch === ':') return parseIPv6(text);
  }
  return undefined;
}

/**
 * An IPv6 address (16 bytes) in the RFC 5952 form Go's net.IP.String() writes for one: lower-case hex groups, the
 * longest run of two or more zero groups (the first of equal runs) written `::`. No IPv4-mapped special case.
 */
export function formatIPv6(bytes: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  let runStart = -1;
  let runLength = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > runLength) {
      runStart = i;
      runLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  // RFC 5952: "::" never stands for a single zero group.
  if (runLength < 2) return hex(0, 8);
  return `${hex(0, runStart)}::${hex(runStart + runLength, 8)}`;
}

/** The IPv4 address in `bytes` (4 bytes, or 16 of an IPv4-mapped IPv6 address), else undefined. */
export function ipv4Bytes(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length === ipv4Length) return bytes;
  const mapped = bytes.length === ipv6Length && bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.subarray(12) : undefined;
}

/**
 * An address as Go's net.IP.String() writes it: dotted IPv4 (an IPv4-mapped IPv6 address counts as IPv4), else
 * IPv6 in the RFC 5952 form (formatIPv6).
 */
export function formatIP(bytes: Uint8Array): string {
  const v4 = ipv4Bytes(bytes);
  return v4 ? [...v4].join('.') : formatIPv6(bytes);
}

/** `address/prefixLength`, host bits allowed, as Go's net.ParseCIDR reads it; undefined when malformed. */
export function parseCIDRSloppy(text: string): { ip: Uint8Array; prefixLength: number } | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = text.slice(0, slash);
  const mask = text.slice(slash + 1);
  let ip = parseIPv4(address);
  let maxBits = ipv4Length * 8;
  if (!ip) {
    ip = parseIPv6(address);
    maxBits = ipv6Length * 8;
  }
  const bits = decimalPrefix(mask);
  if (!ip || !bits || bits.consumed !== mask.length || bits.value > maxBits) return undefined;
  return { ip, prefixLength: bits.value };
}
