/** A run of consecutive log positions, both ends included. */
export interface PositionRange {
  from: number;
  to: number;
}

/**
 * Log positions no seal covers yet, as runs of consecutive positions (issue 10): at 2,000
 * settlements/s a verifier pass adds ~60,000 positions, which on SQLite (positions without
 * gaps between two seals) make one run, kept and saved as one row instead of 60,000. Where
 * positions have gaps (EventStoreDB's are byte offsets) each position is a run of its own,
 * as before. Positions only grow; `changed` names the runs added or extended since the last
 * `saved()`, so a save writes what changed, not the whole set.
 */
export class PositionRanges {
  private readonly ranges: PositionRange[] = [];
  private total = 0;
  private readonly touched = new Set<PositionRange>();

  static of(ranges: Iterable<PositionRange>): PositionRanges {
    const set = new PositionRanges();
    for (const { from, to } of ranges) {
      set.ranges.push({ from, to });
      set.total += to - from + 1;
    }
    return set;
  }

  /** How many positions. */
  get count(): number {
    return this.total;
  }

  /** A position after every one held (log order). */
  add(position: number): void {
    const last = this.ranges[this.ranges.length - 1];
    if (last && position <= last.to) throw new Error(`position ${position} is not after ${last.to}`);
    if (last && position === last.to + 1) last.to = position;
    else this.ranges.push({ from: position, to: position });
    this.touched.add(this.ranges[this.ranges.length - 1]);
    this.total += 1;
  }

  /** Forgets every position at or before `position` (a seal covers them now). */
  dropThrough(position: number): void {
    let drop = 0;
    while (drop < this.ranges.length && this.ranges[drop].to <= position) {
      this.total -= this.ranges[drop].to - this.ranges[drop].from + 1;
      this.touched.delete(this.ranges[drop]);
      drop++;
    }
    this.ranges.splice(0, drop);
    const first = this.ranges[0];
    if (first && first.from <= position) {
      this.total -= position - first.from + 1;
      first.from = position + 1;
      this.touched.add(first);
    }
  }

  /** Runs added or changed since the last `saved()`, in order. */
  changed(): PositionRange[] {
    return this.ranges.filter((r) => this.touched.has(r));
  }

  saved(): void {
    this.touched.clear();
  }

  list(): readonly PositionRange[] {
    return this.ranges;
  }
}
