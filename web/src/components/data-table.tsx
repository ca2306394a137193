import type { Child } from "hono/jsx";

export type Column = {
  /** Header text; also each cell's `data-label`, which phones show beside the value. */
  label: string;
  /** Numbers and amounts align right. */
  numeric?: boolean;
  /** Hidden header (an actions column), still announced. */
  hiddenLabel?: boolean;
};

export type Row = {
  /** The row's id attribute, for htmx swaps of one row. */
  id?: string;
  cells: readonly Child[];
  /** Extra class (e.g. a voided row). */
  class?: string;
};

/**
 * A table that becomes one card per row on a phone (each cell labelled by its column, pure CSS),
 * so lists stay readable at 375 px without horizontal scrolling. The first cell is the row's
 * header cell.
 */
export function DataTable(props: { caption: string; columns: readonly Column[]; rows: readonly Row[]; id?: string }) {
  return (
    <div class="data-table-wrap">
      <table class="data-table" id={props.id}>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((col) => (
              <th scope="col" class={col.numeric ? "num" : undefined}>
                {col.hiddenLabel ? <span class="visually-hidden">{col.label}</span> : col.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <TableRow columns={props.columns} row={row} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One row; also the fragment htmx swaps in after an inline change. */
export function TableRow(props: { columns: readonly Column[]; row: Row }) {
  const { columns, row } = props;
  return (
    <tr id={row.id} class={row.class}>
      {row.cells.map((cell, i) => {
        const col = columns[i];
        const cls = col?.numeric ? "num" : undefined;
        return i === 0 ? (
          <th scope="row" data-label={col?.label} class={cls}>
            {cell}
          </th>
        ) : (
          <td data-label={col?.hiddenLabel ? undefined : col?.label} class={cls}>
            {cell}
          </td>
        );
      })}
    </tr>
  );
}
