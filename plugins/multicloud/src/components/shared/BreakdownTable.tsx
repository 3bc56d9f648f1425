import { Table, TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { CostBreakdownItem } from '@multicloud/plugin-multicloud-common';
import GetAppIcon from '@material-ui/icons/GetApp';
import { downloadCsv, toCsv } from '../../lib/csv';
import { formatCurrency, formatPercent } from '../../lib/format';
import { ChangeIndicator } from './ChangeIndicator';

type BreakdownRow = CostBreakdownItem & {
  id: string;
  change: number;
  /** Tag coverage: the tagged share of the cost, where known. */
  tagged: number | null;
};

/** The line's name, linked to its catalog entity when it has one. */
export const BreakdownLabel = (props: { item: CostBreakdownItem }) => {
  const { item } = props;
  return item.entityRef ? (
    <EntityRefLink entityRef={item.entityRef}>{item.label}</EntityRefLink>
  ) : (
    <span title={item.key === item.label ? undefined : item.key}>
      {item.label}
    </span>
  );
};

/** The lines as CSV: what the table shows, with full numbers and the line's key and entity. */
export function breakdownCsv(
  labelTitle: string,
  items: CostBreakdownItem[],
  currency: string,
): string {
  const tagged = items.some(item => item.taggedCost !== undefined);
  return toCsv([
    [
      labelTitle,
      'Key',
      'Entity',
      'Provider',
      'Currency',
      'Cost',
      'Share',
      'Previous period',
      'Change',
      ...(tagged ? ['Tagged cost'] : []),
    ],
    ...items.map(item => [
      item.label,
      item.key,
      item.entityRef ?? null,
      item.provider ?? null,
      currency,
      item.cost,
      item.share,
      item.previousCost,
      item.cost - item.previousCost,
      ...(tagged ? [item.taggedCost ?? null] : []),
    ]),
  ]);
}

/**
 * Breakdown lines with their share and change against the previous period,
 * sortable by every column.
 */
export const BreakdownTable = (props: {
  title: string;
  /** Heading of the first column: `Service`, `Group`, ... */
  labelTitle: string;
  items: CostBreakdownItem[];
  currency: string;
  /** Keep the order given (for example largest change first) instead of cost. */
  keepOrder?: boolean;
  /** Offers the lines as a CSV file of this name (without `.csv`). */
  csvName?: string;
}) => {
  const { title, labelTitle, items, currency, keepOrder, csvName } = props;
  // material-table writes its state into the row objects: hand it copies.
  const rows: BreakdownRow[] = items.map(item => ({
    ...item,
    id: item.key,
    change: item.cost - item.previousCost,
    tagged:
      item.taggedCost === undefined || item.cost <= 0
        ? null
        : item.taggedCost / item.cost,
  }));
  const columns: TableColumn<BreakdownRow>[] = [
    {
      title: labelTitle,
      field: 'label',
      highlight: true,
      render: row => <BreakdownLabel item={row} />,
    },
    {
      title: 'Provider',
      field: 'provider',
      render: row => row.provider ?? '',
    },
    {
      title: 'Cost',
      field: 'cost',
      type: 'numeric',
      defaultSort: keepOrder ? undefined : 'desc',
      render: row => formatCurrency(row.cost, currency),
    },
    {
      title: 'Share',
      field: 'share',
      type: 'numeric',
      render: row => formatPercent(row.share),
    },
    {
      title: 'Previous period',
      field: 'previousCost',
      type: 'numeric',
      render: row => formatCurrency(row.previousCost, currency),
    },
    ...(items.some(item => item.taggedCost !== undefined)
      ? [
          {
            title: 'Tagged',
            field: 'tagged',
            type: 'numeric' as const,
            render: (row: BreakdownRow) =>
              row.tagged === null ? (
                ''
              ) : (
                <span
                  title={`${formatCurrency(
                    row.taggedCost!,
                    currency,
                  )} of the cost carries a component, system or owner tag`}
                >
                  {formatPercent(row.tagged)}
                </span>
              ),
          },
        ]
      : []),
    {
      title: 'Change',
      field: 'change',
      type: 'numeric',
      render: row => (
        <ChangeIndicator
          change={row.change}
          changePercent={
            row.previousCost === 0 ? null : row.change / row.previousCost
          }
          currency={currency}
        />
      ),
    },
  ];
  return (
    <Table<BreakdownRow>
      title={title}
      columns={columns}
      data={rows}
      actions={
        csvName && items.length > 0
          ? [
              {
                icon: () => <GetAppIcon />,
                tooltip: 'Download CSV',
                isFreeAction: true,
                onClick: () =>
                  downloadCsv(
                    `${csvName}.csv`,
                    breakdownCsv(labelTitle, items, currency),
                  ),
              },
            ]
          : undefined
      }
      options={{
        search: false,
        padding: 'dense',
        paging: rows.length > 10,
        pageSize: 10,
        pageSizeOptions: [10, 25, 50],
      }}
      emptyContent={
        <Typography variant="body2" align="center" color="textSecondary">
          No cost in this period.
        </Typography>
      }
    />
  );
};
