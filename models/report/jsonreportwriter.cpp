#include "models/report/jsonreportwriter.h"

#include "models/report/reportrow.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace Berth {

bool JsonReportWriter::begin(const ReportHeader &header)
{
    m_rows = 0;
    m_columns = header.columns;
    // The header is one object serialised without its closing brace: the "tags" array follows
    // row by row and finish() closes both.
    const QJsonObject head{
            {u"repository"_s, header.repository},
            {u"generated"_s, reportTime(header.generated)},
            {u"filter"_s, header.filter.isEmpty() ? QJsonValue() : QJsonValue(header.filter)},
            {u"sort"_s, reportSortName(header.sort)},
            {u"order"_s, reportOrderName(header.order)},
            {u"perPlatform"_s, header.perPlatform},
            {u"columns"_s, QJsonArray::fromStringList(columnNames(header.columns))},
    };
    QByteArray bytes = QJsonDocument(head).toJson(QJsonDocument::Compact);
    bytes.chop(1); // the closing '}'
    return write(bytes + ",\"tags\":[");
}

bool JsonReportWriter::writeRow(const ReportRow &row)
{
    QByteArray bytes = m_rows++ ? ",\n" : "\n";
    bytes += QJsonDocument(row.toJson(m_columns)).toJson(QJsonDocument::Compact);
    return write(bytes);
}

bool JsonReportWriter::finish()
{
    return write("\n]}\n");
}

} // namespace Berth
