#pragma once

#include "models/report/reportsummary.h"
#include "models/report/reportwriter.h"

namespace Berth {

//! A self-contained HTML page: inline CSS and JavaScript only, a Content-Security-Policy that
//! forbids every network fetch, a table sortable by clicking its headers, and (written after
//! the last row, shown above the table by CSS order) summary figures, an SVG chart of image
//! size over creation time and a bar chart of tags per month. Rows are written as they come;
//! only the ReportSummary aggregates are kept for the end.
class HtmlReportWriter final : public ReportWriter
{
public:
    using ReportWriter::ReportWriter;

    bool begin(const ReportHeader &header) override;
    bool writeRow(const ReportRow &row) override;
    bool finish() override;

    const ReportSummary &summary() const { return m_summary; }
    //! The column headers ("Media type"); the repository is in the page title instead.
    static QString columnTitle(ReportColumn column);

private:
    QString sizeChart() const;
    QString monthChart() const;

    ReportSummary m_summary;
    QList<ReportColumn> m_columns;
};

} // namespace Berth
