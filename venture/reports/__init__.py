"""Reports: the organizer's dashboards and charts, Excel exports and spreadsheet imports.

What other domains may use:

- ``venture.reports.xlsx``: ``workbook_bytes([Sheet(...)])`` to write, and the one import
  mechanism: ``ImportColumn``, ``read_rows(data, columns)`` / ``read_table(rows, columns,
  header_row=..., sheet=...)`` -> ``ImportResult(rows, errors)``, ``RowError(row, column,
  message, sheet)``, ``template_bytes(columns, title, notes=...)``, ``ImportRejected(errors)``
  (render its errors with ``templates/reports/_import_errors.html``), ``ImportRefused``;
- ``venture.reports.charts``: server-made SVG charts with their numbers (``Chart``);
- ``templates/reports/_links.html``: buttons to a competition's charts and exports.
"""
