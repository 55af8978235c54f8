#include "markdownreportwriter.h"

#include "csvreportwriter.h"
#include "reportrow.h"

using namespace Qt::StringLiterals;

namespace Berth {

QString MarkdownReportWriter::cell(const QString &value)
{
    QString text = value;
    text.replace(u"\\"_s, u"\\\\"_s);
    text.replace(u"|"_s, u"\\|"_s);
    text.replace(u"\r\n"_s, u" "_s);
    text.replace(u'\n', u' ');
    text.replace(u'\r', u' ');
    return text;
}

static QByteArray tableLine(const QStringList &cells)
{
    QString line = u"|"_s;
    for (const QString &value : cells)
        line += u' ' + MarkdownReportWriter::cell(value) + u" |"_s;
    return line.toUtf8() + '\n';
}

bool MarkdownReportWriter::begin(const ReportHeader &header)
{
    m_hasExtras = header.hasExtras;
    QString title = u"# Tags of %1\n\nGenerated %2"_s.arg(cell(header.repository),
                                                          reportTime(header.generated));
    if (!header.filter.isEmpty())
        title += u", filter `%1`"_s.arg(header.filter);
    title += u", sorted by %1.\n\n"_s.arg(reportSortName(header.sort));
    const QStringList names = columns(m_hasExtras);
    QStringList rule;
    for (const QString &name : names)
        rule.append(name == u"size_bytes" ? u"---:"_s : u"---"_s);
    QByteArray bytes = title.toUtf8() + tableLine(names);
    QString ruleLine = u"|"_s;
    for (const QString &part : rule)
        ruleLine += part + u'|';
    bytes += ruleLine.toUtf8() + '\n';
    return write(bytes);
}

bool MarkdownReportWriter::writeRow(const ReportRow &row)
{
    const qint64 size = row.size();
    QStringList cells{row.repository,
                      row.tag,
                      row.image ? row.digest() : u"error: "_s + row.error,
                      row.kind(),
                      row.mediaType(),
                      row.platforms().join(u';'),
                      size < 0 ? QString() : QString::number(size),
                      reportTime(row.created())};
    if (m_hasExtras) {
        const TagExtras extras = row.extras.value_or(TagExtras{});
        cells += {reportTime(extras.pushed), reportTime(extras.pulled), extras.labels.join(u';'),
                  CsvReportWriter::vulnerabilitiesText(extras)};
    }
    return write(tableLine(cells));
}

bool MarkdownReportWriter::finish()
{
    return true;
}

} // namespace Berth
