/**
 * One inbound allow rule open to anywhere, as the `multicloud.io/open-ingress`
 * annotation lists it.
 */
export type OpenIngressRule = {
  /** Lower case (`tcp`, `udp`, `icmp`...), or `all`. */
  protocol: string;
  /** `22`, `80-443`, or `all`. */
  ports: string;
  /** The prefix as the provider wrote it: `0.0.0.0/0`, `::/0`, `*`, `Internet`. */
  source: string;
};

const ANYWHERE = new Set(['0.0.0.0/0', '::/0', '*', 'internet']);

/** Whether a rule's source prefix means "from anywhere". */
export function isAnywhere(source: unknown): source is string {
  return typeof source === 'string' && ANYWHERE.has(source.toLowerCase());
}

/** IANA numbers AWS and GCP accept in place of the common protocols' names. */
const PROTOCOL_NUMBERS: Record<string, string> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '58': 'icmpv6',
};

/**
 * `all` for any protocol (`-1`, `*`, `all`, none), else the protocol's name
 * in lower case.
 */
export function protocolName(protocol: unknown): string {
  const name = String(protocol ?? 'all').toLowerCase();
  if (name === '-1' || name === '*' || name === '') {
    return 'all';
  }
  return PROTOCOL_NUMBERS[name] ?? name;
}

/**
 * AWS's numeric bounds: `22` for one port, `80-443` for a range, `all` when
 * there are none, for `0-65535`, or when a bound is negative (AWS writes -1
 * for "all ICMP types").
 */
export function portRange(from: unknown, to: unknown = from): string {
  if (typeof from !== 'number' || from < 0 || (from === 0 && to === 65535)) {
    return 'all';
  }
  return typeof to !== 'number' || to === from ? String(from) : `${from}-${to}`;
}

/**
 * A port as Azure and GCP write it (`22`, `1000-2000`, `*`): `all` for
 * `*`, `0-65535` or nothing, a range collapsed to one port when both ends
 * are equal; undefined for text that is no port.
 */
export function portText(value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (text === undefined || text === null || text === '*') {
    return 'all';
  }
  if (typeof text !== 'string') {
    return undefined;
  }
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!match) {
    return undefined;
  }
  const [, low, high] = match;
  if (low === '0' && high === '65535') {
    return 'all';
  }
  return high === undefined || high === low ? low : `${low}-${high}`;
}

/**
 * The annotation value: the rules as a JSON array, each once, in their
 * order; undefined when there are none.
 */
export function openIngressAnnotation(
  rules: OpenIngressRule[],
): string | undefined {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const { protocol, ports, source } of rules) {
    const entry = JSON.stringify({ protocol, ports, source });
    if (!seen.has(entry)) {
      seen.add(entry);
      unique.push(entry);
    }
  }
  return unique.length ? `[${unique.join(',')}]` : undefined;
}
