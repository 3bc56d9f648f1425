import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// findBy* and waitFor wait for a state, up to this long. Their default (1 s)
// is shorter than a busy 2-core CI machine takes to draw a Mermaid diagram in
// jsdom; a test that passes waits only as long as the state takes.
configure({ asyncUtilTimeout: 20_000 });

// jsdom does no layout, so recharts' ResponsiveContainer would measure 0x0
// and draw nothing: report a fixed size instead.
class FixedSizeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    this.callback(
      [
        {
          target,
          contentRect: { width: 800, height: 320 },
        } as unknown as ResizeObserverEntry,
      ],
      this as unknown as ResizeObserver,
    );
  }
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver = FixedSizeResizeObserver;
