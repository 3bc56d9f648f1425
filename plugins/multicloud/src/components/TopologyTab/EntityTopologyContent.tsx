import { ChangeEvent, ReactNode, useCallback, useId, useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  entityRouteParams,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import {
  TOPOLOGY_DIRECTIONS,
  TopologyDirection,
  TopologyNode,
  TopologyResponse,
} from '@multicloud/plugin-multicloud-common';
import { useNavigate } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multicloudApiRef } from '../../api';
import {
  DiagramLayout,
  groupToExpand,
  hasNoRelations,
  isCollapsed,
  preferredLayout,
} from '../../lib/topology';
import { NoTopology } from './NoTopology';
import { TopologyDiagram } from './TopologyDiagram';
import { TopologyLegend } from './TopologyLegend';
import { NodeAction, diagramToPng, serializeDiagram } from './diagramDom';
import { downloadFile } from '../../lib/download';

const useStyles = makeStyles(theme => ({
  controls: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
  },
  select: { minWidth: 160 },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
}));

const DEPTHS = [1, 2, 3, 4, 5];

const DIRECTION_LABELS: Record<TopologyDirection, string> = {
  downstream: 'What it depends on',
  upstream: 'What depends on it',
  both: 'Both',
};

const LAYOUT_LABELS: Record<DiagramLayout, string> = {
  grouped: 'Grouped (fast)',
  elk: 'Layered (ELK)',
  dagre: 'Compact (dagre)',
};

const ControlSelect = (props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<{ value: string; label: string }>;
}) => {
  const classes = useStyles();
  const id = useId();
  return (
    <TextField
      id={id}
      select
      label={props.label}
      variant="outlined"
      size="small"
      className={classes.select}
      value={props.value}
      onChange={(event: ChangeEvent<{ value: unknown }>) =>
        props.onChange(String(event.target.value))
      }
      SelectProps={{ native: true }}
    >
      {props.options.map(option => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </TextField>
  );
};

// 502-504: the backend answered, but could not reach the catalog behind it.
const UNREACHABLE_STATUSES = [502, 503, 504];

const TopologyError = (props: { error: Error; onRetry: () => void }) => {
  const { error, onRetry } = props;
  const unreachable =
    ResponseError.is(error) && UNREACHABLE_STATUSES.includes(error.statusCode);
  return (
    <>
      <ResponseErrorPanel
        title={
          unreachable
            ? 'The catalog could not be reached, so the topology cannot be built'
            : 'Could not load the topology'
        }
        error={error}
      />
      <Box mt={1}>
        <Button variant="outlined" onClick={onRetry}>
          Try again
        </Button>
      </Box>
    </>
  );
};

const TopologyView = (props: {
  response: TopologyResponse;
  layout: DiagramLayout;
  onLayoutChange: (layout: DiagramLayout) => void;
  fileName: string;
  onExpand: (groupKey: string) => void;
  /** The controls of the request, shown in the card's first row. */
  controls: ReactNode;
}) => {
  const { response, layout, onLayoutChange, fileName, onExpand, controls } =
    props;
  const classes = useStyles();
  const theme = useTheme();
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const entityRoute = useRouteRef(entityRouteRef);
  const [svg, setSvg] = useState<SVGSVGElement | null>(null);

  const groupKeyOf = useCallback(
    (node: TopologyNode) => {
      const groupId = groupToExpand(node, response);
      return response.groups.find(group => group.id === groupId)?.key;
    },
    [response],
  );

  const actionOf = useCallback(
    (node: TopologyNode): NodeAction | undefined => {
      if (node.kind === 'summary') {
        return groupKeyOf(node) ? 'expand' : undefined;
      }
      return node.entityRef || node.url ? 'open' : undefined;
    },
    [groupKeyOf],
  );

  const onActivate = (node: TopologyNode, action: NodeAction) => {
    if (action === 'expand') {
      const key = groupKeyOf(node);
      if (key) {
        onExpand(key);
      }
      return;
    }
    // The app knows where its entity pages live; the backend's path is the
    // fallback for nodes without an entity ref.
    const path = node.entityRef
      ? entityRoute(entityRouteParams(node.entityRef))
      : node.url;
    if (path) {
      navigate(path);
    }
  };

  const fail = (what: string) => (error: unknown) =>
    alertApi.post({
      message: `${what}: ${error instanceof Error ? error.message : error}`,
      severity: 'error',
    });

  const exportSvg = () => {
    if (svg) {
      downloadFile(
        new Blob([serializeDiagram(svg)], { type: 'image/svg+xml' }),
        `${fileName}.svg`,
      );
    }
  };

  const exportPng = () => {
    if (svg) {
      diagramToPng(svg, theme.palette.common.white)
        .then(png => downloadFile(png, `${fileName}.png`))
        .catch(fail('Could not export the PNG'));
    }
  };

  const copySource = () => {
    if (!navigator.clipboard) {
      fail('Could not copy the Mermaid source')(
        new Error('the browser offers the clipboard to https pages only'),
      );
      return;
    }
    navigator.clipboard
      .writeText(response.mermaid)
      .then(() =>
        alertApi.post({
          message: 'Mermaid source copied to the clipboard',
          severity: 'success',
          display: 'transient',
        }),
      )
      .catch(fail('Could not copy the Mermaid source'));
  };

  const { from, to } = response.costPeriod;
  // Costs are left out for users who may not read them.
  const hasCosts = response.nodes.some(node => node.monthlyCost);

  return (
    <>
      {isCollapsed(response) && (
        <Grid item xs={12}>
          <WarningPanel
            severity="info"
            title={`Showing ${response.visibleNodes} of ${response.totalNodes} nodes; click a group to expand it`}
            message={`Groups collapse into one node when the graph has more than ${response.nodeBudget} nodes (multicloud.topology.nodeBudget). Collapse groups again to go back.`}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard
          title="Topology"
          subheader={`${
            hasCosts ? `Costs are the sum from ${from} to ${to}. ` : ''
          }Click an entity to open it, a group to expand it; scroll to zoom, drag to pan.`}
        >
          <Box className={classes.controls} mb={2}>
            {controls}
            <ControlSelect
              label="Layout"
              value={layout}
              onChange={value => onLayoutChange(value as DiagramLayout)}
              options={(['grouped', 'elk', 'dagre'] as const).map(value => ({
                value,
                label: LAYOUT_LABELS[value],
              }))}
            />
            <Box className={classes.actions} ml="auto">
              <Button variant="outlined" onClick={exportSvg} disabled={!svg}>
                Export SVG
              </Button>
              <Button variant="outlined" onClick={exportPng} disabled={!svg}>
                Export PNG
              </Button>
              <Button variant="outlined" onClick={copySource}>
                Copy Mermaid source
              </Button>
            </Box>
          </Box>
          <TopologyDiagram
            // A new drawing starts afresh: no node of the previous one may
            // be clicked against the new response.
            key={`${layout}\n${response.mermaid}`}
            response={response}
            layout={layout}
            actionOf={actionOf}
            onActivate={onActivate}
            onDrawn={setSvg}
          />
          <TopologyLegend response={response} />
        </InfoCard>
      </Grid>
    </>
  );
};

/**
 * The Topology tab of an entity: the infrastructure around it as a diagram,
 * grouped by provider, account, region and network, with each node's cost.
 *
 * @public
 */
export const EntityTopologyContent = () => {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const multicloudApi = useApi(multicloudApiRef);
  const classes = useStyles();
  // Unset until the user picks one: the backend has its defaults (Resources
  // look both ways).
  const [depth, setDepth] = useState<number>();
  const [direction, setDirection] = useState<TopologyDirection>();
  const [layout, setLayout] = useState<DiagramLayout>();
  // Keys, not ids: a group's id only holds within one response.
  const [expanded, setExpanded] = useState<string[]>([]);

  const topology = useAsyncRetry(
    () =>
      multicloudApi.getTopology({
        entityRef,
        depth,
        direction,
        expand: expanded.length > 0 ? expanded : undefined,
      }),
    [multicloudApi, entityRef, depth, direction, expanded],
  );
  const response = topology.value;

  const controls = (
    <>
      <ControlSelect
        label="Depth"
        value={String(depth ?? response?.depth ?? '')}
        onChange={value => {
          setDepth(Number(value));
          setExpanded([]);
        }}
        options={DEPTHS.map(value => ({
          value: String(value),
          label: `${value} ${value === 1 ? 'hop' : 'hops'}`,
        }))}
      />
      <ControlSelect
        label="Direction"
        value={direction ?? response?.direction ?? ''}
        onChange={value => {
          setDirection(value as TopologyDirection);
          setExpanded([]);
        }}
        options={TOPOLOGY_DIRECTIONS.map(value => ({
          value,
          label: DIRECTION_LABELS[value],
        }))}
      />
      {expanded.length > 0 && (
        <Button variant="outlined" onClick={() => setExpanded([])}>
          Collapse groups again
        </Button>
      )}
    </>
  );

  return (
    <Grid container spacing={3}>
      {topology.loading && (
        <Grid item xs={12}>
          <Progress />
        </Grid>
      )}
      {topology.error && (
        <Grid item xs={12}>
          <Box className={classes.controls} mb={2}>
            {controls}
          </Box>
          <TopologyError error={topology.error} onRetry={topology.retry} />
        </Grid>
      )}
      {response && !topology.error && hasNoRelations(response) && (
        <Grid item xs={12}>
          <Box className={classes.controls} mb={2}>
            {controls}
          </Box>
          <NoTopology direction={response.direction} />
        </Grid>
      )}
      {response && !topology.error && !hasNoRelations(response) && (
        <TopologyView
          response={response}
          layout={layout ?? preferredLayout(response)}
          onLayoutChange={setLayout}
          fileName={`topology-${entity.kind.toLocaleLowerCase('en-US')}-${
            entity.metadata.name
          }`}
          onExpand={key =>
            setExpanded(current =>
              current.includes(key) ? current : [...current, key],
            )
          }
          controls={controls}
        />
      )}
    </Grid>
  );
};
