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
import CenterFocusStrongIcon from '@material-ui/icons/CenterFocusStrong';
import {
  TopologyNode,
  TopologyResponse,
} from '@multicloud/plugin-multicloud-common';
import { DiagramLayout } from '../../lib/topology';
import { NodeAction, decorateNodes, nodeIdOfEventTarget } from './diagramDom';
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
    height: '65vh',
    minHeight: 360,
    border: `1px solid ${theme.palette.divider}`,
    // Mermaid draws the diagram light (see renderMermaid), in either app theme.
    backgroundColor: theme.palette.common.white,
    borderRadius: theme.shape.borderRadius,
    cursor: 'grab',
    touchAction: 'none',
    '&:active': { cursor: 'grabbing' },
  },
  content: {
    '& svg': { display: 'block', margin: '0 auto' },
    '& [tabindex]:focus': {
      outline: `2px solid ${theme.palette.primary.main}`,
    },
  },
}));

type Rendered =
  | { state: 'drawing' }
  | { state: 'drawn'; svg: string; diagramId: string }
  | { state: 'failed'; error: Error };

/**
 * The topology drawn by Mermaid, with zoom and pan; entity nodes open their
 * entity page, summary nodes expand their group.
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
  const zoomPan = useZoomPan();
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

  const { reset } = zoomPan;
  useLayoutEffect(() => {
    const content = contentRef.current;
    if (!content) {
      return;
    }
    content.innerHTML = rendered.state === 'drawn' ? rendered.svg : '';
    reset();
    onDrawn(content.querySelector('svg'));
  }, [rendered, reset, onDrawn]);

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
        <Tooltip title="Fit to width">
          <IconButton
            aria-label="Fit to width"
            size="small"
            onClick={zoomPan.reset}
          >
            <CenterFocusStrongIcon />
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
        {...zoomPan.viewportHandlers}
        ref={zoomPan.viewportRef}
        onClick={onClick}
        onKeyDown={onKeyDown}
      >
        {rendered.state === 'drawing' && <Progress />}
        <div
          ref={contentRef}
          className={classes.content}
          style={zoomPan.contentStyle}
          data-testid="topology-diagram"
        />
      </div>
    </>
  );
};
