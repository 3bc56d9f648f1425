import { ChangeEvent, useId, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  CostFilters,
  MAX_COST_TAG_FILTERS,
} from '@multicloud/plugin-multicloud-common';
import {
  COST_FILTER_DIMENSIONS,
  CostFilterDimension,
} from '../../lib/costFilters';

type Choice = CostFilterDimension | 'tag';

/** `filters` without one of its filters (undefined when none is left). */
function without(
  filters: CostFilters,
  dimension: CostFilterDimension | { tag: string },
): CostFilters | undefined {
  const next: CostFilters = { ...filters };
  if (typeof dimension === 'string') {
    delete next[dimension];
  } else {
    next.tags = next.tags?.filter(tag => tag.key !== dimension.tag);
    if (!next.tags?.length) {
      delete next.tags;
    }
  }
  return Object.keys(next).length ? next : undefined;
}

/**
 * The filters a cost view is narrowed to, as chips to remove, and a form to
 * add one: a provider, service, account, region, or a tag's value.
 */
export const CostFilterBar = (props: {
  filters: CostFilters | undefined;
  onChange: (filters: CostFilters | undefined) => void;
}) => {
  const { filters, onChange } = props;
  const id = useId();
  const [choice, setChoice] = useState<Choice>('provider');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const tagCount = filters?.tags?.length ?? 0;
  const tagTaken = filters?.tags?.some(tag => tag.key === key.trim());
  const canAdd =
    value.trim() !== '' &&
    (choice !== 'tag' ||
      (key.trim() !== '' && !tagTaken && tagCount < MAX_COST_TAG_FILTERS));

  const add = () => {
    const next: CostFilters = { ...filters };
    if (choice === 'tag') {
      next.tags = [
        ...(next.tags ?? []),
        { key: key.trim(), value: value.trim() },
      ];
    } else {
      next[choice] = value.trim();
    }
    onChange(next);
    setKey('');
    setValue('');
  };

  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      gridGap={8}
      role="group"
      aria-label="Cost filters"
    >
      {COST_FILTER_DIMENSIONS.map(({ name, label }) =>
        filters?.[name] ? (
          <Chip
            key={name}
            label={`${label}: ${filters[name]}`}
            onDelete={() => onChange(without(filters, name))}
          />
        ) : null,
      )}
      {filters?.tags?.map(tag => (
        <Chip
          key={`tag:${tag.key}`}
          label={`Tag ${tag.key}: ${tag.value}`}
          onDelete={() => onChange(without(filters, { tag: tag.key }))}
        />
      ))}
      <TextField
        id={`${id}-filter-by`}
        select
        size="small"
        variant="outlined"
        label="Filter by"
        value={choice}
        onChange={(event: ChangeEvent<{ value: unknown }>) =>
          setChoice(event.target.value as Choice)
        }
        SelectProps={{ native: true }}
      >
        {COST_FILTER_DIMENSIONS.map(({ name, label }) => (
          <option key={name} value={name}>
            {label}
          </option>
        ))}
        <option value="tag">Tag</option>
      </TextField>
      {choice === 'tag' && (
        <TextField
          id={`${id}-tag-key`}
          size="small"
          variant="outlined"
          label="Tag key"
          value={key}
          onChange={event => setKey(event.target.value)}
          error={Boolean(tagTaken)}
          helperText={tagTaken ? 'Already filtered on' : undefined}
        />
      )}
      <TextField
        id={`${id}-value`}
        size="small"
        variant="outlined"
        label="Value"
        value={value}
        onChange={event => setValue(event.target.value)}
        onKeyDown={event => {
          if (event.key === 'Enter' && canAdd) {
            add();
          }
        }}
      />
      <Button variant="outlined" onClick={add} disabled={!canAdd}>
        Add filter
      </Button>
      {filters && (
        <Button onClick={() => onChange(undefined)}>Clear filters</Button>
      )}
      {choice === 'tag' && tagCount >= MAX_COST_TAG_FILTERS && (
        <Typography variant="caption" color="textSecondary">
          At most {MAX_COST_TAG_FILTERS} tag filters
        </Typography>
      )}
    </Box>
  );
};
