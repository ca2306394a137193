import { type Column, DataTable } from "../../components/data-table.tsx";
import { FileField } from "../../components/form-fields.tsx";
import { formatCount } from "../../format.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";

export type ImportIssueView = {
  row: number;
  /** The column's header as the file writes it; empty for the row as a whole. */
  column: string;
  message: string;
  value: string;
};

/** What a check or an import found. */
export type ImportReportView = {
  mode: "check" | "import";
  fileName: string;
  /** Rows with data (blank rows are not counted). */
  rows: number;
  badRows: number;
  issues: readonly ImportIssueView[];
  ignoredColumns: readonly string[];
};

export type ImportResultProps = { locale: Locale; report?: ImportReportView; fileError?: string };

export type ImportPageProps = { frame: Frame } & Omit<ImportResultProps, "locale">;

// A long cell is cut in the report; the row and column say where the rest is.
const VALUE_SHOWN = 120;
const shown = (value: string) => (value.length > VALUE_SHOWN ? `${value.slice(0, VALUE_SHOWN)}…` : value);

export function ImportPage(props: ImportPageProps) {
  const t = translator(props.frame.locale);
  return (
    <FramedPage
      frame={props.frame}
      title={t("customers.import.title")}
      actions={
        <a class="button button-quiet" href="/customers">
          {t("customers.back")}
        </a>
      }
    >
      <section class="adm-section" aria-labelledby="import-help-title">
        <h2 id="import-help-title">{t("customers.import.help.title")}</h2>
        <p>{t("customers.import.help.lead")}</p>
        <ul class="customer-import-columns">
          <li>
            <code>name</code> / <code>nama</code> — {t("customers.import.help.name")}
          </li>
          <li>
            <code>phone</code> / <code>telepon</code>, <code>hp</code>, <code>no_hp</code> —{" "}
            {t("customers.import.help.phone")}
          </li>
          <li>
            <code>email</code>, <code>address</code> / <code>alamat</code>, <code>latitude</code>,{" "}
            <code>longitude</code>, <code>tags</code>, <code>notes</code> / <code>catatan</code> —{" "}
            {t("customers.import.help.optional")}
          </li>
        </ul>
        <p class="adm-muted">{t("customers.import.help.limits")}</p>
        <p>
          <a href="/customers/import/template.csv" download>
            {t("customers.import.template")}
          </a>
        </p>
      </section>
      <form
        class="adm-form customer-import-form"
        method="post"
        action="/customers/import"
        enctype="multipart/form-data"
        hx-post="/customers/import"
        hx-encoding="multipart/form-data"
        hx-target="#import-result"
        hx-swap="outerHTML"
      >
        <FileField
          id="import-file"
          name="file"
          label={t("customers.import.file")}
          hint={t("customers.import.file.hint")}
          accept=".csv,text/csv"
          required
        />
        <p class="customer-form-actions">
          <button class="button button-quiet" type="submit" name="mode" value="check">
            {t("customers.import.check")}
          </button>
          <button class="button button-primary" type="submit" name="mode" value="import">
            {t("customers.import.submit")}
          </button>
        </p>
        <p class="adm-hint">{t("customers.import.explain")}</p>
      </form>
      <ImportResult locale={props.frame.locale} report={props.report} fileError={props.fileError} />
    </FramedPage>
  );
}

/** The outcome under the form; also the fragment htmx swaps in, which keeps the chosen file. */
export function ImportResult(props: ImportResultProps) {
  const t = translator(props.locale);
  const r = props.report;
  const n = (x: number) => formatCount(x, props.locale);
  return (
    <section id="import-result" class="adm-section customer-import-result" aria-live="polite">
      {props.fileError ? <Notice kind="error">{props.fileError}</Notice> : null}
      {r ? (
        <>
          <h2>{t("customers.import.report.title", { file: r.fileName })}</h2>
          {r.badRows === 0 ? (
            <Notice kind="ok">{t("customers.import.report.allGood", { rows: n(r.rows) })}</Notice>
          ) : (
            <Notice kind="error">
              {t(r.mode === "import" ? "customers.import.report.refused" : "customers.import.report.bad", {
                bad: n(r.badRows),
                rows: n(r.rows),
              })}
            </Notice>
          )}
          {r.ignoredColumns.length > 0 ? (
            <p class="adm-muted">{t("customers.import.report.ignored", { columns: r.ignoredColumns.join(", ") })}</p>
          ) : null}
          {r.issues.length > 0 ? <IssueTable locale={props.locale} issues={r.issues} /> : null}
        </>
      ) : null}
    </section>
  );
}

function IssueTable(props: { locale: Locale; issues: readonly ImportIssueView[] }) {
  const t = translator(props.locale);
  const columns: Column[] = [
    { label: t("customers.import.report.row"), numeric: true },
    { label: t("customers.import.report.column") },
    { label: t("customers.import.report.problem") },
    { label: t("customers.import.report.value") },
  ];
  return (
    <DataTable
      id="import-issues"
      caption={t("customers.import.report.caption")}
      columns={columns}
      rows={props.issues.map((i) => ({
        cells: [
          <>
            <span class="customer-import-row-word">{t("customers.import.report.row")} </span>
            {i.row}
          </>,
          i.column ? <code>{i.column}</code> : <span class="adm-muted">—</span>,
          i.message,
          i.value === "" ? (
            <span class="adm-muted">{t("customers.import.report.empty")}</span>
          ) : (
            <code class="customer-import-value">{shown(i.value)}</code>
          ),
        ],
      }))}
    />
  );
}
