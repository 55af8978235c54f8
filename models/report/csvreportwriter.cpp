#include "models/report/csvreportwriter.h"

#include "models/report/reportrow.h"

using namespace Qt::StringLiterals;

namespace Berth {

QString CsvReportWriter::field(const QString &value)
{
    // A cell a spreadsheet would take for a formula (OWASP's list: = + - @ tab CR) is made text
    // with a leading apostrophe; the JSON report keeps the raw value.
    static constexpr QStringView FormulaStarts = u"=+-@\t\r";
    const bool formula = !value.isEmpty() && FormulaStarts.contains(value.front());
    if (!formula && !value.contains(u',') && !value.contains(u'"') && !value.contains(u'\r')
        && !value.contains(u'\n'))
        return value;
    QString quoted = formula ? u'\'' + value : value;
    quoted.replace(u"\""_s, u"\"\""_s);
    return u'"' + quoted + u'"';
}

bool CsvReportWriter::begin(const ReportHeader &header)
{
    m_columns = header.columns;
    return write(columnNames(m_columns).join(u',').toUtf8() + "\r\n");
}

bool CsvReportWriter::writeRow(const ReportRow &row)
{
    QString line;
    for (qsizetype i = 0; i < m_columns.size(); ++i) {
        if (i)
            line += u',';
        line += field(plainValue(row, m_columns.at(i)));
    }
    return write(line.toUtf8() + "\r\n");
}

bool CsvReportWriter::finish()
{
    return true;
}

} // namespace Berth
