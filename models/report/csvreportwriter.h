#pragma once

#include "models/report/reportwriter.h"

namespace Berth {

//! RFC 4180: CRLF line ends, a header row, fields quoted when they hold a comma, quote, CR or
//! LF, quotes doubled. UTF-8 without a byte order mark. A cell beginning with = + - @, a tab or
//! CR gets a leading apostrophe and quotes (OWASP CSV injection): a spreadsheet shows it as text.
class CsvReportWriter final : public ReportWriter
{
public:
    using ReportWriter::ReportWriter;

    bool begin(const ReportHeader &header) override;
    bool writeRow(const ReportRow &row) override;
    bool finish() override;

    static QString field(const QString &value);

private:
    QList<ReportColumn> m_columns;
};

} // namespace Berth
