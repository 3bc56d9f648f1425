import { fitView, initialView, viewportHeight } from './diagramView';

const viewport = { width: 1000, height: 600 };

describe('diagram views', () => {
  it('first shows a small diagram at its natural size, centred, never magnified', () => {
    expect(initialView(viewport, { width: 600, height: 200 })).toEqual({
      scale: 1,
      x: 200,
      y: 200,
    });
  });

  it('first fits a diagram somewhat wider than the viewport to its width', () => {
    expect(
      initialView(
        viewport,
        { width: 1250, height: 400 },
        { x: 1100, y: 0, width: 100, height: 40 },
      ),
    ).toEqual({ scale: 0.8, x: 0, y: 140 });
  });

  it('shows a much wider diagram at a readable size, with the entity’s node in the middle', () => {
    const view = initialView(
      viewport,
      { width: 4000, height: 3000 },
      { x: 1900, y: 1450, width: 200, height: 100 },
    );
    expect(view).toEqual({ scale: 0.75, x: 500 - 1500, y: 300 - 1125 });
  });

  it('leaves no blank space before or after a diagram when its entity sits at an edge', () => {
    const diagram = { width: 4000, height: 3000 };
    expect(
      initialView(viewport, diagram, { x: 0, y: 0, width: 100, height: 40 }),
    ).toEqual({ scale: 0.75, x: 0, y: 0 });
    expect(
      initialView(viewport, diagram, {
        x: 3900,
        y: 2960,
        width: 100,
        height: 40,
      }),
    ).toEqual({ scale: 0.75, x: 1000 - 3000, y: 600 - 2250 });
  });

  it('centres a diagram without an entity node on its middle', () => {
    expect(initialView(viewport, { width: 4000, height: 3000 })).toEqual({
      scale: 0.75,
      x: 500 - 1500,
      y: 300 - 1125,
    });
  });

  it('fits the whole of a diagram into the viewport, centred, but never magnifies it', () => {
    expect(fitView(viewport, { width: 4000, height: 3000 })).toEqual({
      scale: 0.2,
      x: 100,
      y: 0,
    });
    expect(fitView(viewport, { width: 400, height: 300 })).toEqual({
      scale: 1,
      x: 300,
      y: 150,
    });
  });

  it('makes the viewport as tall as the first view of the diagram, within limits', () => {
    // 320px at its natural size.
    expect(viewportHeight(1000, 900, { width: 640, height: 320 })).toBe(320);
    // 2,250px at the readable scale: three quarters of the window.
    expect(viewportHeight(1000, 900, { width: 4000, height: 3000 })).toBe(675);
    // A single row of nodes.
    expect(viewportHeight(1000, 900, { width: 300, height: 60 })).toBe(240);
  });
});
