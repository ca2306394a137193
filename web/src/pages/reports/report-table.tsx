import type { Column, Row } from "../../components/data-table.tsx";

/**
 * A small table of figures that stays a table on a phone: a report's rows are months or age
 * groups and its three or four columns are short numbers, so a 375 px screen holds them side
 * by side and a reader compares down a column (DataTable's one-card-per-row would turn twelve
 * months into a page of cards). It scrolls sideways rather than overflow the page.
 */
export function ReportTable(props: { caption: string; columns: readonly Column[]; rows: readonly Row[]; id?: string }) {
  return (
    <div class="report-table-wrap">
      <table class="report-table" id={props.id}>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((col) => (
              <th scope="col" class={col.numeric ? "num" : undefined}>
                {col.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr id={row.id} class={row.class}>
              {row.cells.map((cell, i) =>
                i === 0 ? (
                  <th scope="row">{cell}</th>
                ) : (
                  <td class={props.columns[i]?.numeric ? "num" : undefined}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
