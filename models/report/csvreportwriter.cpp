#include "csvreportwriter.h"

#include "reportrow.h"

using namespace Qt::StringLiterals;

namespace Berth {

QString CsvReportWriter::field(const QString &value)
{
    if (!value.contains(u',') && !value.contains(u'"') && !value.contains(u'\r')
        && !value.contains(u'\n'))
        return value;
    QString quoted = value;
    quoted.replace(u"\""_s, u"\"\""_s);
    return u'"' + quoted + u'"';
}

QString CsvReportWriter::vulnerabilitiesText(const TagExtras &extras)
{
    if (!extras.scanned)
        return QString();
    QStringList parts;
    for (auto it = extras.vulnerabilities.cbegin(); it != extras.vulnerabilities.cend(); ++it)
        parts.append(it.key() + u'=' + QString::number(it.value()));
    return parts.join(u';');
}

bool CsvReportWriter::begin(const ReportHeader &header)
{
    m_hasExtras = header.hasExtras;
    return write(columns(m_hasExtras).join(u',').toUtf8() + "\r\n");
}

bool CsvReportWriter::writeRow(const ReportRow &row)
{
    const qint64 size = row.size();
    QStringList fields{row.repository,
                       row.tag,
                       row.digest(),
                       row.kind(),
                       row.mediaType(),
                       row.platforms().join(u';'),
                       size < 0 ? QString() : QString::number(size),
                       reportTime(row.created())};
    if (m_hasExtras) {
        const TagExtras extras = row.extras.value_or(TagExtras{});
        fields += {reportTime(extras.pushed), reportTime(extras.pulled), extras.labels.join(u';'),
                   vulnerabilitiesText(extras)};
    }
    QString line;
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i)
            line += u',';
        line += field(fields.at(i));
    }
    return write(line.toUtf8() + "\r\n");
}

bool CsvReportWriter::finish()
{
    return true;
}

} // namespace Berth
