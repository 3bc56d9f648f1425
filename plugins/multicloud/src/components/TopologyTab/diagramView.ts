/** Where the diagram sits in its viewport: a CSS scale and translation. */
export type View = { scale: number; x: number; y: number };

export type Size = { width: number; height: number };

/** A rectangle in the diagram's own coordinates (its natural size). */
export type Box = { x: number; y: number; width: number; height: number };

/**
 * The smallest scale the diagram first shows at: Mermaid's 16px labels read
 * at 12px. A graph wider than the viewport at this scale is panned instead.
 */
export const MIN_READABLE_SCALE = 0.75;

/** The share of the window's height the viewport takes at most. */
export const MAX_VIEWPORT_HEIGHT_SHARE = 0.75;

/** The viewport is never shorter than this, however small the diagram. */
export const MIN_VIEWPORT_HEIGHT = 240;

const clamp = (value: number, min: number, max: number) =>
  Math.min(max, Math.max(min, value));

/**
 * The scale of the first view: the viewport's width, but never larger than
 * the diagram's natural size nor smaller than {@link MIN_READABLE_SCALE}.
 */
function initialScale(viewportWidth: number, diagram: Size): number {
  return clamp(viewportWidth / diagram.width, MIN_READABLE_SCALE, 1);
}

/**
 * The translation along one axis that shows `focus` (the middle of the part
 * to show) in the middle of the viewport, without leaving blank space before
 * or after a diagram longer than the viewport; a shorter one is centred.
 */
function offset(viewport: number, diagram: number, focus: number): number {
  if (diagram <= viewport) {
    return (viewport - diagram) / 2;
  }
  return clamp(viewport / 2 - focus, viewport - diagram, 0);
}

/**
 * The whole diagram in the viewport, centred; never larger than its natural
 * size.
 */
export function fitView(viewport: Size, diagram: Size): View {
  const scale = Math.min(
    1,
    viewport.width / diagram.width,
    viewport.height / diagram.height,
  );
  return {
    scale,
    x: offset(viewport.width, diagram.width * scale, 0),
    y: offset(viewport.height, diagram.height * scale, 0),
  };
}

/**
 * The first view of a diagram: at {@link initialScale}, with `focus` (the
 * entity's own node) in view; the diagram's middle without one.
 */
export function initialView(viewport: Size, diagram: Size, focus?: Box): View {
  const scale = initialScale(viewport.width, diagram);
  const centre = focus
    ? { x: focus.x + focus.width / 2, y: focus.y + focus.height / 2 }
    : { x: diagram.width / 2, y: diagram.height / 2 };
  return {
    scale,
    x: offset(viewport.width, diagram.width * scale, centre.x * scale),
    y: offset(viewport.height, diagram.height * scale, centre.y * scale),
  };
}

/**
 * The height of the viewport for a diagram: all of it at the first view's
 * scale when that fits in {@link MAX_VIEWPORT_HEIGHT_SHARE} of the window.
 */
export function viewportHeight(
  viewportWidth: number,
  windowHeight: number,
  diagram: Size,
): number {
  const scale = initialScale(viewportWidth, diagram);
  return Math.round(
    Math.max(
      MIN_VIEWPORT_HEIGHT,
      Math.min(
        windowHeight * MAX_VIEWPORT_HEIGHT_SHARE,
        diagram.height * scale,
      ),
    ),
  );
}
