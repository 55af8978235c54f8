#include "models/report/reportwriter.h"

#include "models/report/csvreportwriter.h"
#include "models/report/htmlreportwriter.h"
#include "models/report/jsonreportwriter.h"
#include "models/report/markdownreportwriter.h"
#include "models/report/reportrow.h"

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

QStringList ReportWriter::columnNames(const QList<ReportColumn> &columns)
{
    QStringList names;
    names.reserve(columns.size());
    for (ReportColumn column : columns)
        names.append(reportColumnName(column));
    return names;
}

QString ReportWriter::plainValue(const ReportRow &row, ReportColumn column)
{
    switch (column) {
    case ReportColumn::Repository:
        return row.repository;
    case ReportColumn::Tag:
        return row.tag;
    case ReportColumn::Digest:
        return row.digest();
    case ReportColumn::Kind:
        return row.kind();
    case ReportColumn::MediaType:
        return row.mediaType();
    case ReportColumn::Platforms:
        return row.platforms().join(u';');
    case ReportColumn::Size: {
        const qint64 size = row.size();
        return size < 0 ? QString() : QString::number(size);
    }
    case ReportColumn::Created:
        return reportTime(row.created());
    case ReportColumn::Pushed:
        return row.extras ? reportTime(row.extras->pushed) : QString();
    case ReportColumn::Pulled:
        // Never pulled (Harbor's Go zero time) and unknown are both empty.
        return row.extras ? reportTime(row.extras->pulled) : QString();
    case ReportColumn::Labels:
        return row.extras ? row.extras->labelNames().join(u';') : QString();
    case ReportColumn::Vulnerabilities:
        return row.extras ? vulnerabilitiesText(*row.extras) : QString();
    }
    return {};
}

QString ReportWriter::vulnerabilitiesText(const TagExtras &extras)
{
    if (!extras.isScanned())
        return QString();
    QStringList parts;
    const QMap<QString, int> counts = extras.scannedVulnerabilities();
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        parts.append(it.key() + u'=' + QString::number(it.value()));
    // A clean scan says so; empty stays "not scanned".
    return parts.isEmpty() ? u"none"_s : parts.join(u';');
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
