import {
  amber,
  blue,
  blueGrey,
  brown,
  deepOrange,
  green,
  indigo,
  pink,
  purple,
  teal,
} from '@material-ui/core/colors';

const SERIES_COLORS = [
  blue[500],
  deepOrange[400],
  green[600],
  purple[400],
  teal[400],
  pink[300],
  amber[600],
  indigo[300],
  brown[400],
];

/** Colour of a stacked series; the `other` bucket stays neutral. */
export function seriesColor(key: string, index: number): string {
  return key === 'other'
    ? blueGrey[300]
    : SERIES_COLORS[index % SERIES_COLORS.length];
}
