/**
 * A fixed-row-height virtualised list: renders only the rows in view (plus a
 * margin), so lists of thousands of pods or flows stay fast.
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  height: number;
  row: (item: T, index: number) => ComponentChildren;
  class?: string;
}

export function VirtualList<T>({ items, rowHeight, height, row, class: cls }: VirtualListProps<T>) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - 10);
  const last = Math.min(items.length, Math.ceil((top + height) / rowHeight) + 10);
  const visible = items.slice(first, last);
  return (
    <div
      class={`vlist ${cls ?? ""}`}
      style={{ height: `${height}px`, overflowY: "auto", position: "relative" }}
      onScroll={(e) => setTop((e.currentTarget as HTMLDivElement).scrollTop)}
    >
      <div style={{ height: `${items.length * rowHeight}px`, position: "relative" }}>
        {visible.map((item, i) => (
          <div
            key={first + i}
            class="vrow"
            style={{
              position: "absolute",
              top: `${(first + i) * rowHeight}px`,
              height: `${rowHeight}px`,
              left: 0,
              right: 0,
            }}
          >
            {row(item, first + i)}
          </div>
        ))}
      </div>
    </div>
  );
}
