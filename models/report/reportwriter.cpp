#include "reportwriter.h"

#include "csvreportwriter.h"
#include "htmlreportwriter.h"
#include "jsonreportwriter.h"
#include "markdownreportwriter.h"

#include <QIODevice>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace Berth {

ReportWriter::ReportWriter(QIODevice *device)
    : m_device(device)
{}

ReportWriter::~ReportWriter() = default;

std::unique_ptr<ReportWriter> ReportWriter::create(ReportFormat format, QIODevice *device)
{
    switch (format) {
    case ReportFormat::Csv:
        return std::make_unique<CsvReportWriter>(device);
    case ReportFormat::Json:
        return std::make_unique<JsonReportWriter>(device);
    case ReportFormat::Markdown:
        return std::make_unique<MarkdownReportWriter>(device);
    case ReportFormat::Html:
        return std::make_unique<HtmlReportWriter>(device);
    }
    return {};
}

QStringList ReportWriter::columns(bool hasExtras)
{
    QStringList names{u"repository"_s, u"tag"_s,       u"digest"_s,     u"kind"_s,
                      u"media_type"_s, u"platforms"_s, u"size_bytes"_s, u"created"_s};
    if (hasExtras)
        names += {u"pushed"_s, u"pulled"_s, u"labels"_s, u"vulnerabilities"_s};
    return names;
}

bool ReportWriter::write(const QByteArray &bytes)
{
    if (!m_error.isEmpty())
        return false;
    if (m_device->write(bytes) != bytes.size()) {
        m_error = m_device->errorString();
        if (m_error.isEmpty())
            m_error = u"write failed"_s;
        return false;
    }
    return true;
}

QString ReportWriter::humanSize(qint64 bytes)
{
    if (bytes < 0)
        return QString();
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

} // namespace Berth
