import { isCollapsedWhitespace, SecretForm } from './secretForms';

/** Nodes this close to the root get a full transition row. */
const DENSE_DEPTH = 2;

/**
 * An Aho-Corasick automaton over the spellings of all secrets: one pass over
 * the text finds every occurrence of every spelling, whatever their number,
 * without going back.
 *
 * @remarks
 * Most characters of ordinary output lead back to the root within a step or
 * two, so the nodes near the root have a full transition row (over classes of
 * the characters that occur in spellings); deeper nodes, nearly all on a
 * single path, keep their one child and a failure link.
 */
export class SecretAutomaton {
  /** Length of the longest spelling. */
  readonly maxLength: number;
  /** Length of the longest spelling that ends at each node; 0 for none. */
  readonly matchLength: Int32Array;
  /** Whether a base64 spelling ends at each node. */
  readonly base64Match: Uint8Array;
  /** Length of the spelling prefix each node stands for. */
  readonly depth: Int32Array;
  /** Class of each UTF-16 code unit; 0 for those in no spelling. */
  readonly classOf = new Uint16Array(65536);
  /** Start of each node's row in {@link SecretAutomaton.dense}; -1 for none. */
  readonly denseRow: Int32Array;
  /** Next node by row and character class. */
  readonly dense: Int32Array;
  private readonly onlyChar: Int32Array;
  private readonly onlyChild: Int32Array;
  private readonly children: (Map<number, number> | undefined)[];
  private readonly fail: Int32Array;

  constructor(forms: SecretForm[]) {
    const next: Map<number, number>[] = [new Map()];
    const depth = [0];
    const own = [0];
    const ownBase64 = [0];
    const representative = [0];
    for (const form of forms) {
      let node = 0;
      for (let i = 0; i < form.text.length; i++) {
        const code = form.text.charCodeAt(i);
        if (!this.classOf[code]) {
          this.classOf[code] = representative.length;
          representative.push(code);
        }
        let child = next[node].get(code);
        if (child === undefined) {
          child = next.length;
          next.push(new Map());
          depth.push(depth[node] + 1);
          own.push(0);
          ownBase64.push(0);
          next[node].set(code, child);
        }
        node = child;
      }
      own[node] = Math.max(own[node], form.text.length);
      ownBase64[node] |= form.base64 ? 1 : 0;
    }

    const count = next.length;
    const classCount = representative.length;
    this.maxLength = Math.max(0, ...forms.map(f => f.text.length));
    this.depth = Int32Array.from(depth);
    this.matchLength = Int32Array.from(own);
    this.base64Match = Uint8Array.from(ownBase64);
    this.fail = new Int32Array(count);
    this.onlyChar = new Int32Array(count).fill(-1);
    this.onlyChild = new Int32Array(count);
    this.children = new Array(count);
    for (let node = 0; node < count; node++) {
      const map = next[node];
      if (map.size === 1) {
        const [[code, child]] = map;
        this.onlyChar[node] = code;
        this.onlyChild[node] = child;
      } else if (map.size > 1) {
        this.children[node] = map;
      }
    }

    // Breadth first, so that a node's failure link (to a shallower node) is
    // final before its children need it.
    const order = [0];
    const follow = (from: number, code: number) => {
      let node = from;
      for (;;) {
        const child = next[node].get(code);
        if (child !== undefined) {
          return child;
        }
        if (node === 0) {
          return 0;
        }
        node = this.fail[node];
      }
    };
    for (let head = 0; head < order.length; head++) {
      const node = order[head];
      for (const [code, child] of next[node]) {
        const fail = node === 0 ? 0 : follow(this.fail[node], code);
        this.fail[child] = fail;
        this.matchLength[child] = Math.max(
          this.matchLength[child],
          this.matchLength[fail],
        );
        this.base64Match[child] |= this.base64Match[fail];
        order.push(child);
      }
    }

    const shallow = order.filter(node => depth[node] <= DENSE_DEPTH);
    this.denseRow = new Int32Array(count).fill(-1);
    shallow.forEach((node, row) => {
      this.denseRow[node] = row * classCount;
    });
    this.dense = new Int32Array(shallow.length * classCount);
    for (const node of shallow) {
      const row = this.denseRow[node];
      const failRow = this.denseRow[this.fail[node]];
      for (let c = 1; c < classCount; c++) {
        const child = next[node].get(representative[c]);
        if (child !== undefined) {
          this.dense[row + c] = child;
        } else if (node !== 0) {
          this.dense[row + c] = this.dense[failRow + c];
        }
      }
    }
  }

  /** The node reached from `node` by one more character. */
  step(node: number, code: number): number {
    let current = node;
    for (;;) {
      const row = this.denseRow[current];
      if (row >= 0) {
        return this.dense[row + this.classOf[code]];
      }
      if (this.onlyChar[current] === code) {
        return this.onlyChild[current];
      }
      const child = this.children[current]?.get(code);
      if (child !== undefined) {
        return child;
      }
      current = this.fail[current];
    }
  }
}

/**
 * Masked ranges of a text, as absolute offsets: sorted, disjoint, merged as
 * they are added. Ranges arrive ordered by their end, which is what lets a
 * new one merge with the last ones only.
 */
export class MaskList {
  private starts: number[] = [];
  private ends: number[] = [];
  private head = 0;

  add(start: number, end: number) {
    let from = start;
    let to = end;
    while (
      this.ends.length > this.head &&
      from <= this.ends[this.ends.length - 1]
    ) {
      from = Math.min(from, this.starts.pop()!);
      to = Math.max(to, this.ends.pop()!);
    }
    this.starts.push(from);
    this.ends.push(to);
  }

  /**
   * Calls `visit` with each masked range inside [from, to), clipped to it.
   * Ranges ending at or before `from` are forgotten: callers move forward.
   */
  visit(from: number, to: number, visit: (start: number, end: number) => void) {
    this.forget(from);
    for (
      let i = this.head;
      i < this.starts.length && this.starts[i] < to;
      i++
    ) {
      visit(Math.max(this.starts[i], from), Math.min(this.ends[i], to));
    }
  }

  /** Forgets the ranges that end at or before `offset`. */
  forget(offset: number) {
    while (this.head < this.ends.length && this.ends[this.head] <= offset) {
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.starts.length) {
      this.starts = this.starts.slice(this.head);
      this.ends = this.ends.slice(this.head);
      this.head = 0;
    }
  }

  clear() {
    this.starts = [];
    this.ends = [];
    this.head = 0;
  }
}

const isBase64Body = (code: number) =>
  (code >= 65 && code <= 90) || // A-Z
  (code >= 97 && code <= 122) || // a-z
  (code >= 48 && code <= 57) || // 0-9
  code === 43 || // +
  code === 47 || // /
  code === 45 || // - (base64url)
  code === 95; // _ (base64url)

const EQUALS = 61;

/** Longest run of whitespace inside a match (indentation, line breaks). */
const MAX_WHITESPACE_RUN = 1024;

/**
 * Finds the secrets in a text that arrives in pieces, recording what to mask
 * in a {@link MaskList}.
 *
 * @remarks
 * Whitespace runs are fed to the automaton as one space (the spellings are
 * collapsed the same way). The offsets of the characters of a match in
 * progress are kept in a ring as long as the longest spelling, to map a match
 * back to the text. A base64 match widens to the whole run of base64
 * characters around it: back to where the run started, and on to its end
 * (padding included).
 */
export class SecretScanner {
  private automaton: SecretAutomaton | undefined;
  private node = 0;
  private fed = 0;
  private offsets = new Float64Array(1);
  private ringMask = 0;
  private afterWhitespace = false;
  private whitespaceRun = 0;
  /** Start of the base64 run that ends the text scanned so far; -1 for none. */
  private trailingRunStart = -1;
  private extendingRun = false;
  private paddingSeen = false;

  constructor(private readonly masks: MaskList) {}

  /** Starts over, with new secrets or for a new text. */
  reset(automaton: SecretAutomaton | undefined) {
    this.automaton = automaton;
    let size = 1;
    while (size <= (automaton?.maxLength ?? 0)) {
      size *= 2;
    }
    if (this.offsets.length !== size) {
      this.offsets = new Float64Array(size);
    }
    this.ringMask = size - 1;
    this.node = 0;
    this.fed = 0;
    this.afterWhitespace = false;
    this.whitespaceRun = 0;
    this.trailingRunStart = -1;
    this.extendingRun = false;
    this.paddingSeen = false;
  }

  /** Scans `text`, whose first character is at absolute offset `offset`. */
  scan(text: string, offset: number) {
    const automaton = this.automaton;
    if (!automaton || !text) {
      return;
    }
    const { masks, offsets, ringMask } = this;
    const { matchLength, base64Match, denseRow, dense, classOf } = automaton;
    let {
      node,
      fed,
      afterWhitespace,
      whitespaceRun,
      extendingRun,
      paddingSeen,
    } = this;
    for (let i = 0; i < text.length; i++) {
      let code = text.charCodeAt(i);
      if (extendingRun) {
        if (!paddingSeen && isBase64Body(code)) {
          masks.add(offset + i, offset + i + 1);
        } else if (code === EQUALS) {
          paddingSeen = true;
          masks.add(offset + i, offset + i + 1);
        } else {
          extendingRun = false;
        }
      }
      if (code <= 32 && isCollapsedWhitespace(code)) {
        if (afterWhitespace) {
          // A secret is not spread out this far; giving up the match in
          // progress keeps a flood of blank output from being held back.
          whitespaceRun += 1;
          if (whitespaceRun > MAX_WHITESPACE_RUN) {
            node = 0;
          }
          continue;
        }
        afterWhitespace = true;
        whitespaceRun = 1;
        code = 32;
      } else {
        afterWhitespace = false;
      }
      const row = denseRow[node];
      node = row >= 0 ? dense[row + classOf[code]] : automaton.step(node, code);
      // Only characters of a match in progress need their offset: all of
      // them led away from the root, so they are consecutive in the ring.
      if (node === 0) {
        continue;
      }
      offsets[fed & ringMask] = offset + i;
      fed += 1;
      const length = matchLength[node];
      if (length > 0) {
        let start = offsets[(fed - length) & ringMask];
        if (base64Match[node]) {
          // While a run is being extended, it is masked from its start.
          if (!extendingRun) {
            start = this.base64RunStart(text, offset, start);
          }
          extendingRun = true;
          paddingSeen = false;
        }
        masks.add(start, offset + i + 1);
      }
    }
    this.node = node;
    this.fed = fed;
    this.afterWhitespace = afterWhitespace;
    this.whitespaceRun = whitespaceRun;
    this.extendingRun = extendingRun;
    this.paddingSeen = paddingSeen;

    let runStart = text.length;
    while (runStart > 0 && isBase64Body(text.charCodeAt(runStart - 1))) {
      runStart -= 1;
    }
    if (runStart === text.length) {
      this.trailingRunStart = -1;
    } else if (runStart > 0 || this.trailingRunStart < 0) {
      this.trailingRunStart = offset + runStart;
    }
  }

  /**
   * Where the base64 run containing `start` begins, looking back into the
   * text scanned before when the run began there.
   */
  private base64RunStart(text: string, offset: number, start: number) {
    let index = start - offset;
    while (index > 0 && isBase64Body(text.charCodeAt(index - 1))) {
      index -= 1;
    }
    if (index > 0) {
      return offset + index;
    }
    return this.trailingRunStart >= 0
      ? Math.min(this.trailingRunStart, start)
      : Math.min(offset, start);
  }

  /**
   * Offset of the first character a match still to come could cover: the
   * start of the longest tail of the text that begins some spelling.
   * Everything before it is final. Undefined when no spelling has begun.
   */
  pendingFrom(): number | undefined {
    const depth = this.automaton?.depth[this.node] ?? 0;
    return depth > 0
      ? this.offsets[(this.fed - depth) & this.ringMask]
      : undefined;
  }
}

/** Replaces each masked range of `text` (starting at `offset`) by `mask`. */
export function applyMasks(
  text: string,
  offset: number,
  masks: MaskList,
  mask: string,
): string {
  let out = '';
  let cursor = 0;
  masks.visit(offset, offset + text.length, (start, end) => {
    out += text.slice(cursor, start - offset) + mask;
    cursor = end - offset;
  });
  return out + text.slice(cursor);
}
