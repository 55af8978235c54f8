#pragma once

#include "models/report/reportwriter.h"

namespace Berth {

//! A GitHub-flavoured Markdown table under a title line; pipes and backslashes in cells are
//! escaped, line breaks become spaces, HTML (&, <, >) is escaped and control characters are made
//! visible.
class MarkdownReportWriter final : public ReportWriter
{
public:
    using ReportWriter::ReportWriter;

    bool begin(const ReportHeader &header) override;
    bool writeRow(const ReportRow &row) override;
    bool finish() override;

    static QString cell(const QString &value);

private:
    QList<ReportColumn> m_columns;
};

} // namespace Berth
