import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import {
  TopologyEdge,
  TopologyResponse,
} from '@multicloud/plugin-multicloud-common';
import { NodeStyle, topologyLegend } from '../../lib/topology';

const useStyles = makeStyles(theme => ({
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    columnGap: theme.spacing(4),
    rowGap: theme.spacing(1),
    marginTop: theme.spacing(2),
  },
  list: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    columnGap: theme.spacing(2),
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
  item: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
}));

/** A node as the diagram draws it. */
const NodeSwatch = (props: { style?: NodeStyle }) => {
  const theme = useTheme();
  const { style } = props;
  return (
    <svg width={28} height={18} aria-hidden="true">
      <rect
        x={3}
        y={3}
        width={22}
        height={12}
        rx={2}
        fill={style?.fill ?? theme.palette.background.paper}
        stroke={style?.stroke ?? theme.palette.text.secondary}
        strokeWidth={style?.strokeWidth ?? 1}
        strokeDasharray={style?.strokeDasharray}
      />
    </svg>
  );
};

/** An edge as the diagram draws it: solid for `dependsOn`, dotted otherwise. */
const EdgeSwatch = (props: { dotted: boolean }) => {
  const theme = useTheme();
  const color = theme.palette.text.secondary;
  return (
    <svg width={28} height={18} aria-hidden="true">
      <line
        x1={2}
        y1={9}
        x2={20}
        y2={9}
        stroke={color}
        strokeWidth={1.5}
        strokeDasharray={props.dotted ? '3 3' : undefined}
      />
      <path d="M20 5 L26 9 L20 13 z" fill={color} />
    </svg>
  );
};

const EDGE_LABELS: Record<TopologyEdge['type'], string> = {
  dependsOn: 'Depends on',
  hasPart: 'Has part',
  ownerOf: 'Owns',
};

const LegendGroup = (props: {
  title: string;
  entries: Array<{ label: string; swatch: ReactNode }>;
}) => {
  const classes = useStyles();
  if (props.entries.length === 0) {
    return null;
  }
  return (
    <Box>
      <Typography variant="subtitle2" component="h3">
        {props.title}
      </Typography>
      <ul className={classes.list} aria-label={props.title}>
        {props.entries.map(entry => (
          <li key={entry.label} className={classes.item}>
            {entry.swatch}
            <Typography variant="body2">{entry.label}</Typography>
          </li>
        ))}
      </ul>
    </Box>
  );
};

/** What the fills, borders and arrows of the diagram mean. */
export const TopologyLegend = (props: { response: TopologyResponse }) => {
  const { response } = props;
  const classes = useStyles();
  const theme = useTheme();
  const { providers, statuses, summary } = topologyLegend(response);
  const edgeTypes = (Object.keys(EDGE_LABELS) as TopologyEdge['type'][]).filter(
    type => response.edges.some(edge => edge.type === type),
  );
  const nodes = [
    {
      label: 'This entity',
      swatch: (
        <NodeSwatch
          style={{ stroke: theme.palette.primary.main, strokeWidth: '3' }}
        />
      ),
    },
    ...(summary
      ? [{ label: summary.label, swatch: <NodeSwatch style={summary.style} /> }]
      : []),
  ];
  return (
    <Box className={classes.legend} aria-label="Legend" role="group">
      <LegendGroup
        title="Provider"
        entries={providers.map(entry => ({
          label: entry.label,
          swatch: <NodeSwatch style={entry.style} />,
        }))}
      />
      <LegendGroup
        title="State"
        entries={statuses.map(entry => ({
          label: entry.label,
          swatch: <NodeSwatch style={entry.style} />,
        }))}
      />
      <LegendGroup title="Nodes" entries={nodes} />
      <LegendGroup
        title="Relations"
        entries={edgeTypes.map(type => ({
          label: EDGE_LABELS[type],
          swatch: <EdgeSwatch dotted={type !== 'dependsOn'} />,
        }))}
      />
    </Box>
  );
};
