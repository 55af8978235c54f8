#include "models/report/markdownreportwriter.h"

#include "models/report/reportrow.h"
#include "net/core/servertext.h"

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
    // Markdown viewers render inline HTML: a tag named <script> must stay text.
    text.replace(u'&', u"&amp;"_s);
    text.replace(u'<', u"&lt;"_s);
    text.replace(u'>', u"&gt;"_s);
    return ServerText::visible(text);
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
    m_columns = header.columns;
    QString title = u"# Tags of %1\n\nGenerated %2"_s.arg(cell(header.repository),
                                                          reportTime(header.generated));
    if (!header.filter.isEmpty())
        title += u", filter `%1`"_s.arg(header.filter);
    title += u", sorted by %1 (%2).\n\n"_s.arg(
            reportSortName(header.sort),
            header.order == Qt::AscendingOrder ? u"ascending"_s : u"descending"_s);
    const QStringList names = columnNames(m_columns);
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
    QStringList cells;
    cells.reserve(m_columns.size());
    for (ReportColumn column : std::as_const(m_columns)) {
        // An unreadable tag says why where its digest would be.
        if (column == ReportColumn::Digest && !row.image)
            cells.append(u"error: "_s + row.error);
        else
            cells.append(plainValue(row, column));
    }
    return write(tableLine(cells));
}

bool MarkdownReportWriter::finish()
{
    return true;
}

} // namespace Berth
