import {
  KeyboardEvent,
  MouseEvent,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { Progress, WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import ZoomInIcon from '@material-ui/icons/ZoomIn';
import ZoomOutIcon from '@material-ui/icons/ZoomOut';
import ZoomOutMapIcon from '@material-ui/icons/ZoomOutMap';
import CenterFocusStrongIcon from '@material-ui/icons/CenterFocusStrong';
import {
  TopologyNode,
  TopologyResponse,
} from '@multicloud/plugin-multicloud-common';
import { DiagramLayout } from '../../lib/topology';
import {
  NodeAction,
  decodeGroupTitles,
  decorateNodes,
  nodeBox,
  nodeIdOfEventTarget,
  showAtNaturalSize,
} from './diagramDom';
import {
  Box as DiagramBox,
  MIN_VIEWPORT_HEIGHT,
  Size,
  fitView,
  initialView,
  viewportHeight,
} from './diagramView';
import { renderMermaid } from './renderMermaid';
import { useZoomPan } from './useZoomPan';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'flex-end',
  },
  viewport: {
    position: 'relative',
    overflow: 'hidden',
    // Until the drawing says how tall it is.
    height: MIN_VIEWPORT_HEIGHT,
    border: `1px solid ${theme.palette.divider}`,
    // Mermaid draws the diagram light (see renderMermaid), in either app theme.
    backgroundColor: theme.palette.common.white,
    borderRadius: theme.shape.borderRadius,
    cursor: 'grab',
    touchAction: 'none',
    '&:active': { cursor: 'grabbing' },
  },
  // As large as the zoomed diagram: what the viewport scrolls over.
  sizer: { position: 'relative' },
  content: {
    // The zoom's transform places the diagram's top left corner.
    position: 'absolute',
    top: 0,
    left: 0,
    '& svg': { display: 'block' },
    '& [tabindex]:focus': {
      outline: `2px solid ${theme.palette.primary.main}`,
    },
  },
}));

type Rendered =
  | { state: 'drawing' }
  | { state: 'drawn'; svg: string; diagramId: string }
  | { state: 'failed'; error: Error };

/** What the views of a drawing are computed from. */
type Drawing = { size: Size; rootBox?: DiagramBox };

/**
 * The topology drawn by Mermaid, with zoom and pan; entity nodes open their
 * entity page, summary nodes expand their group. It first shows the entity's
 * own node with labels large enough to read (see initialView); "Fit" shows
 * the whole diagram.
 */
export const TopologyDiagram = (props: {
  response: TopologyResponse;
  layout: DiagramLayout;
  actionOf: (node: TopologyNode) => NodeAction | undefined;
  onActivate: (node: TopologyNode, action: NodeAction) => void;
  /** The drawn SVG element, or null while there is none. */
  onDrawn: (svg: SVGSVGElement | null) => void;
}) => {
  const { response, layout, actionOf, onActivate, onDrawn } = props;
  const classes = useStyles();
  const theme = useTheme();
  const [drawing, setDrawing] = useState<Drawing>();
  const [fitScale, setFitScale] = useState<number>();
  const zoomPan = useZoomPan({
    contentSize: drawing?.size,
    smallestScale: fitScale,
  });
  const [height, setHeight] = useState<number>();
  const baseId = `topology-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const renders = useRef(0);
  const contentRef = useRef<HTMLDivElement>(null);
  const [rendered, setRendered] = useState<Rendered>({ state: 'drawing' });

  useEffect(() => {
    let current = true;
    // A fresh id per drawing: Mermaid scopes its styles by the SVG's id.
    renders.current += 1;
    const diagramId = `${baseId}-${renders.current}`;
    setRendered({ state: 'drawing' });
    renderMermaid(diagramId, response.mermaid, { layout })
      .then(svg => current && setRendered({ state: 'drawn', svg, diagramId }))
      .catch(
        error =>
          current &&
          setRendered({
            state: 'failed',
            error: error instanceof Error ? error : new Error(String(error)),
          }),
      );
    return () => {
      current = false;
    };
  }, [baseId, response.mermaid, layout]);

  const rootId = response.nodes.find(node => node.isRoot)?.id;
  const { viewport, show } = zoomPan;
  useLayoutEffect(() => {
    const content = contentRef.current;
    if (!content || !viewport) {
      return;
    }
    content.innerHTML = rendered.state === 'drawn' ? rendered.svg : '';
    const svg = content.querySelector('svg');
    setDrawing(undefined);
    if (svg && rendered.state === 'drawn') {
      decodeGroupTitles(svg);
      const size = showAtNaturalSize(svg);
      const rootBox = rootId
        ? nodeBox(svg, rendered.diagramId, rootId)
        : undefined;
      setDrawing({ size, rootBox });
      const width = viewport.clientWidth;
      const shown = {
        width,
        height: viewportHeight(width, window.innerHeight, size),
      };
      setHeight(shown.height);
      setFitScale(fitView(shown, size).scale);
      show(initialView(shown, size, rootBox));
    }
    onDrawn(svg);
  }, [rendered, rootId, viewport, show, onDrawn]);

  /**
   * The viewport's size inside its border now: the window may have changed
   * since the drawing.
   */
  const viewportSize = (): Size => ({
    width: viewport?.clientWidth ?? 0,
    height: viewport?.clientHeight ?? 0,
  });

  const showEntity = () => {
    if (drawing) {
      show(initialView(viewportSize(), drawing.size, drawing.rootBox));
    }
  };

  const fitDiagram = () => {
    if (drawing) {
      const view = fitView(viewportSize(), drawing.size);
      setFitScale(view.scale);
      show(view);
    }
  };

  const highlightColor = theme.palette.primary.main;
  useLayoutEffect(() => {
    const svg = contentRef.current?.querySelector('svg');
    if (rendered.state === 'drawn' && svg) {
      decorateNodes({
        svg,
        diagramId: rendered.diagramId,
        nodes: response.nodes,
        actionOf,
        highlightColor,
      });
    }
  }, [rendered, response.nodes, actionOf, highlightColor]);

  const activate = (target: EventTarget | null): boolean => {
    const nodeId = nodeIdOfEventTarget(target);
    const node = response.nodes.find(candidate => candidate.id === nodeId);
    const action = node && actionOf(node);
    if (!node || !action) {
      return false;
    }
    onActivate(node, action);
    return true;
  };

  const onClick = (event: MouseEvent<HTMLElement>) => {
    if (activate(event.target)) {
      event.preventDefault();
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (
      (event.key === 'Enter' || event.key === ' ') &&
      activate(event.target)
    ) {
      event.preventDefault();
    }
  };

  return (
    <>
      <Box className={classes.toolbar}>
        <Tooltip title="Zoom in">
          <span>
            <IconButton
              aria-label="Zoom in"
              size="small"
              onClick={zoomPan.zoomIn}
              disabled={!zoomPan.canZoomIn}
            >
              <ZoomInIcon />
            </IconButton>
          </span>
        </Tooltip>
        <Tooltip title="Zoom out">
          <span>
            <IconButton
              aria-label="Zoom out"
              size="small"
              onClick={zoomPan.zoomOut}
              disabled={!zoomPan.canZoomOut}
            >
              <ZoomOutIcon />
            </IconButton>
          </span>
        </Tooltip>
        <Tooltip title="Show this entity">
          <IconButton
            aria-label="Show this entity"
            size="small"
            onClick={showEntity}
          >
            <CenterFocusStrongIcon />
          </IconButton>
        </Tooltip>
        <Tooltip title="Fit the whole diagram">
          <IconButton
            aria-label="Fit the whole diagram"
            size="small"
            onClick={fitDiagram}
          >
            <ZoomOutMapIcon />
          </IconButton>
        </Tooltip>
      </Box>
      {rendered.state === 'failed' && (
        <WarningPanel
          severity="error"
          title="The diagram could not be drawn"
          message={rendered.error.message}
        />
      )}
      {/* The nodes are the focusable links and buttons; the viewport only relays their clicks and keys. */}
      {/* eslint-disable-next-line jsx-a11y/no-static-element-interactions */}
      <div
        className={classes.viewport}
        style={height ? { height } : undefined}
        data-testid="topology-viewport"
        {...zoomPan.viewportHandlers}
        ref={zoomPan.viewportRef}
        onClick={onClick}
        onKeyDown={onKeyDown}
      >
        {rendered.state === 'drawing' && <Progress />}
        <div ref={zoomPan.sizerRef} className={classes.sizer}>
          <div
            ref={contentRef}
            className={classes.content}
            style={zoomPan.contentStyle}
            data-testid="topology-diagram"
          />
        </div>
      </div>
    </>
  );
};
