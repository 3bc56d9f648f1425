import {
  CSSProperties,
  MouseEvent as ReactMouseEvent,
  PointerEvent as ReactPointerEvent,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';

type View = { scale: number; x: number; y: number };

const FITTED: View = { scale: 1, x: 0, y: 0 };
const MIN_SCALE = 0.25;
const MAX_SCALE = 8;
const BUTTON_STEP = 1.25;
// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD_PX = 4;

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/**
 * Zoom (wheel and buttons) and pan (drag) of the content of a viewport,
 * as a CSS transform. A drag does not count as a click on what it started on.
 */
export function useZoomPan() {
  const [viewport, setViewport] = useState<HTMLElement | null>(null);
  const [view, setView] = useState<View>(FITTED);
  const drag = useRef<{
    pointerId: number;
    startX: number;
    startY: number;
    from: View;
    moved: boolean;
  } | null>(null);
  const suppressClick = useRef(false);

  /** Scales by `factor` around a point of the viewport (its centre by default). */
  const zoomAt = useCallback(
    (factor: number, clientX?: number, clientY?: number) => {
      const rect = viewport?.getBoundingClientRect();
      const pointX =
        clientX !== undefined && rect
          ? clientX - rect.left
          : (rect?.width ?? 0) / 2;
      const pointY =
        clientY !== undefined && rect
          ? clientY - rect.top
          : (rect?.height ?? 0) / 2;
      setView(current => {
        const scale = clampScale(current.scale * factor);
        const ratio = scale / current.scale;
        return {
          scale,
          x: pointX - (pointX - current.x) * ratio,
          y: pointY - (pointY - current.y) * ratio,
        };
      });
    },
    [viewport],
  );

  useEffect(() => {
    if (!viewport) {
      return undefined;
    }
    // React's wheel listener is passive; only a native one may keep the page
    // from scrolling while the diagram zooms.
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      zoomAt(Math.exp(-event.deltaY * 0.002), event.clientX, event.clientY);
    };
    viewport.addEventListener('wheel', onWheel, { passive: false });
    return () => viewport.removeEventListener('wheel', onWheel);
  }, [viewport, zoomAt]);

  const reset = useCallback(() => setView(FITTED), []);

  const onPointerDown = (event: ReactPointerEvent<HTMLElement>) => {
    if (event.button !== 0) {
      return;
    }
    drag.current = {
      pointerId: event.pointerId,
      startX: event.clientX,
      startY: event.clientY,
      from: view,
      moved: false,
    };
  };

  const onPointerMove = (event: ReactPointerEvent<HTMLElement>) => {
    const current = drag.current;
    if (!current || current.pointerId !== event.pointerId) {
      return;
    }
    const dx = event.clientX - current.startX;
    const dy = event.clientY - current.startY;
    if (!current.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) {
      return;
    }
    if (!current.moved) {
      current.moved = true;
      // Captured only once it is a drag, so that a click still reaches the
      // node it was made on.
      event.currentTarget.setPointerCapture?.(event.pointerId);
    }
    setView({
      ...current.from,
      x: current.from.x + dx,
      y: current.from.y + dy,
    });
  };

  const onPointerUp = (event: ReactPointerEvent<HTMLElement>) => {
    const current = drag.current;
    if (!current || current.pointerId !== event.pointerId) {
      return;
    }
    suppressClick.current = current.moved;
    drag.current = null;
  };

  const onClickCapture = (event: ReactMouseEvent<HTMLElement>) => {
    if (suppressClick.current) {
      suppressClick.current = false;
      event.stopPropagation();
      event.preventDefault();
    }
  };

  const contentStyle: CSSProperties = {
    transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`,
    transformOrigin: '0 0',
  };

  return {
    /** Ref for the element that receives the wheel and drag. */
    viewportRef: setViewport,
    viewportHandlers: {
      onPointerDown,
      onPointerMove,
      onPointerUp,
      onPointerCancel: onPointerUp,
      onClickCapture,
    },
    /** Style of the element that zooms and pans. */
    contentStyle,
    zoomIn: () => zoomAt(BUTTON_STEP),
    zoomOut: () => zoomAt(1 / BUTTON_STEP),
    reset,
    canZoomIn: view.scale < MAX_SCALE,
    canZoomOut: view.scale > MIN_SCALE,
  };
}
