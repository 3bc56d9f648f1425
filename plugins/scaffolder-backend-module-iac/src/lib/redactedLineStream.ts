import {
  applyMasks,
  MaskList,
  SecretAutomaton,
  SecretScanner,
} from './secretScanner';

const TRUNCATED = ' [line truncated]';

/**
 * One line of a tool's output, without its line ending.
 *
 * @public
 */
export interface RedactedLine {
  /**
   * The line as the tool printed it, for parsers. A line cut at the maximum
   * length is passed on redacted here too: it is no longer the tool's line.
   */
  raw: string;
  /** The line with every secret masked, also one that spans several lines. */
  redacted: string;
}

/**
 * Text in, redacted lines out.
 *
 * @public
 */
export interface RedactedLineStream {
  /** Adds output text; complete lines are passed on once they are safe to mask. */
  write(text: string): void;
  /** Flushes the last lines; call once, after the last write. */
  end(): void;
}

/**
 * Splits a stream of text into lines and masks the secrets in it, also those
 * that span lines or arrive in several pieces.
 *
 * @remarks
 * Secrets are searched on the stream, not per line, so a line is held back
 * only while its end could still be the start of a secret (at most the
 * longest spelling of one): the matcher knows how much that is. A line
 * longer than `maxLineLength` is redacted first, then cut, so the cut never
 * shows part of a secret; the rest of it is scanned but not kept.
 */
export function createRedactedLineStream(options: {
  automaton: () => SecretAutomaton | undefined;
  mask: string;
  maxLineLength: number;
  onLine: (line: RedactedLine) => void;
}): RedactedLineStream {
  const { mask, maxLineLength, onLine } = options;
  const masks = new MaskList();
  const scanner = new SecretScanner(masks);
  let automaton = options.automaton();
  scanner.reset(automaton);
  /** Text not passed on yet, from absolute offset `pendingStart`. */
  let pending = '';
  let pendingStart = 0;
  let scanned = 0;
  /** In the part of an over-long line that is dropped. */
  let skipping = false;

  // Secrets learnt while the process runs apply to what is still pending.
  const followSecrets = () => {
    const current = options.automaton();
    if (current !== automaton) {
      automaton = current;
      masks.clear();
      scanner.reset(automaton);
      scanner.scan(pending, pendingStart);
    }
  };

  const emit = (from: number, to: number) => {
    const truncated = to - from > maxLineLength;
    const raw = pending.slice(from, truncated ? from + maxLineLength : to);
    const redacted = applyMasks(raw, pendingStart + from, masks, mask);
    if (truncated) {
      const cut = `${redacted}${TRUNCATED}`;
      onLine({ raw: cut, redacted: cut });
    } else {
      onLine({ raw, redacted });
    }
  };

  const flush = (final: boolean) => {
    const undecidedFrom = final ? Infinity : scanner.pendingFrom() ?? Infinity;
    let offset = 0;
    let waiting = false;
    for (;;) {
      const newline = pending.indexOf('\n', offset);
      if (newline < 0) {
        break;
      }
      const end =
        newline > offset && pending.charCodeAt(newline - 1) === 13
          ? newline - 1
          : newline;
      if (pendingStart + end > undecidedFrom) {
        waiting = true;
        break;
      }
      emit(offset, end);
      offset = newline + 1;
    }
    if (offset > 0) {
      pending = pending.slice(offset);
      pendingStart += offset;
    }
    if (waiting) {
      return;
    }
    // One character of margin: the base64 character before a match in
    // progress carries bits of the secret.
    const overLongAndDecided =
      pending.length > maxLineLength &&
      pendingStart + maxLineLength < undecidedFrom;
    if (overLongAndDecided || (final && pending)) {
      emit(0, pending.length);
      skipping = !final;
      pendingStart += pending.length;
      pending = '';
    }
  };

  return {
    write(text) {
      if (!text) {
        return;
      }
      followSecrets();
      let rest = text;
      if (skipping) {
        const newline = rest.indexOf('\n');
        const skipped = newline < 0 ? rest : rest.slice(0, newline + 1);
        scanner.scan(skipped, scanned);
        scanned += skipped.length;
        pendingStart = scanned;
        masks.forget(scanned);
        if (newline < 0) {
          return;
        }
        skipping = false;
        rest = rest.slice(newline + 1);
      }
      scanner.scan(rest, scanned);
      scanned += rest.length;
      pending += rest;
      flush(false);
    },
    end() {
      followSecrets();
      flush(true);
    },
  };
}
