import '@testing-library/jest-dom';

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
