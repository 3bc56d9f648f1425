import {
  CSSProperties,
  MouseEvent as ReactMouseEvent,
  PointerEvent as ReactPointerEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { Size, View } from './diagramView';

const NATURAL: View = { scale: 1, x: 0, y: 0 };
const MIN_SCALE = 0.25;
const MAX_SCALE = 8;
const BUTTON_STEP = 1.25;
// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD_PX = 4;

/** How a view is laid out: the content's offset, and the scroll for the rest. */
type Placement = {
  padX: number;
  padY: number;
  scrollX: number;
  scrollY: number;
};

/**
 * Zoom (wheel and buttons) and pan (drag) of the content of a viewport. The
 * zoom is a CSS scale; the pan scrolls the viewport (over a sizer as large
 * as the zoomed content), or offsets content that starts inside it. As the
 * pan is a scroll, the browser can bring any part of the content into view,
 * as it does for a focused node, and the view follows. A drag does not count
 * as a click on what it started on. Zooming out stops at `smallestScale`
 * when that is below the usual limit, so that a large diagram can still be
 * zoomed out to fit.
 */
export function useZoomPan(options: {
  /** The content's natural size. */
  contentSize?: Size;
  smallestScale?: number;
}) {
  const { contentSize, smallestScale = MIN_SCALE } = options;
  const [viewport, setViewport] = useState<HTMLElement | null>(null);
  const sizerRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>(NATURAL);
  const minScale = Math.min(MIN_SCALE, smallestScale);
  const placed = useRef<Placement>({
    padX: 0,
    padY: 0,
    scrollX: 0,
    scrollY: 0,
  });
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
        const scale = Math.min(
          MAX_SCALE,
          Math.max(minScale, current.scale * factor),
        );
        const ratio = scale / current.scale;
        return {
          scale,
          x: pointX - (pointX - current.x) * ratio,
          y: pointY - (pointY - current.y) * ratio,
        };
      });
    },
    [viewport, minScale],
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

  const padX = Math.max(view.x, 0);
  const padY = Math.max(view.y, 0);
  const contentWidth = (contentSize?.width ?? 0) * view.scale;
  const contentHeight = (contentSize?.height ?? 0) * view.scale;
  useLayoutEffect(() => {
    const sizer = sizerRef.current;
    if (!viewport || !sizer) {
      return;
    }
    const scrollX = Math.max(-view.x, 0);
    const scrollY = Math.max(-view.y, 0);
    // Room for the scroll even where the view goes past the content.
    sizer.style.width = `${Math.max(
      padX + contentWidth,
      scrollX + viewport.clientWidth,
    )}px`;
    sizer.style.height = `${Math.max(
      padY + contentHeight,
      scrollY + viewport.clientHeight,
    )}px`;
    viewport.scrollLeft = scrollX;
    viewport.scrollTop = scrollY;
    placed.current = {
      padX,
      padY,
      scrollX: viewport.scrollLeft,
      scrollY: viewport.scrollTop,
    };
  }, [viewport, view, padX, padY, contentWidth, contentHeight]);

  useEffect(() => {
    if (!viewport) {
      return undefined;
    }
    // A scroll other than the view's own: the browser brought something
    // into view.
    const onScroll = () => {
      const current = placed.current;
      if (
        viewport.scrollLeft === current.scrollX &&
        viewport.scrollTop === current.scrollY
      ) {
        return;
      }
      const x = current.padX - viewport.scrollLeft;
      const y = current.padY - viewport.scrollTop;
      setView(shown => ({ ...shown, x, y }));
    };
    viewport.addEventListener('scroll', onScroll);
    return () => viewport.removeEventListener('scroll', onScroll);
  }, [viewport]);

  const contentStyle: CSSProperties = {
    transform: `translate(${padX}px, ${padY}px) scale(${view.scale})`,
    transformOrigin: '0 0',
  };

  return {
    /** Ref for the element that receives the wheel and drag. */
    viewportRef: setViewport,
    /** That element, once mounted. */
    viewport,
    /** Ref for the element inside the viewport that holds the content. */
    sizerRef,
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
    /** Shows the content as `view` says. */
    show: setView,
    canZoomIn: view.scale < MAX_SCALE,
    canZoomOut: view.scale > minScale,
  };
}
