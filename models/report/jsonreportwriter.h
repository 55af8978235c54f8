#pragma once

#include "models/report/reportwriter.h"

namespace Berth {

//! One JSON document (docs/report-schema.md): {"repository", "generated", "filter", "sort",
//! "order", "perPlatform", "columns", "tags": [...]}, one tag entry per line so it streams and
//! diffs well. Fields of columns not chosen are left out of the tag entries.
class JsonReportWriter final : public ReportWriter
{
public:
    using ReportWriter::ReportWriter;

    bool begin(const ReportHeader &header) override;
    bool writeRow(const ReportRow &row) override;
    bool finish() override;

private:
    qint64 m_rows = 0;
    QList<ReportColumn> m_columns;
};

} // namespace Berth
