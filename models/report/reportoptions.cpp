#include "models/report/reportoptions.h"

using namespace Qt::StringLiterals;

namespace Berth {

QString reportFormatName(ReportFormat format)
{
    switch (format) {
    case ReportFormat::Csv:
        return u"csv"_s;
    case ReportFormat::Json:
        return u"json"_s;
    case ReportFormat::Markdown:
        return u"markdown"_s;
    case ReportFormat::Html:
        return u"html"_s;
    }
    return {};
}

std::optional<ReportFormat> reportFormatFromName(QStringView name)
{
    for (ReportFormat format :
         {ReportFormat::Csv, ReportFormat::Json, ReportFormat::Markdown, ReportFormat::Html}) {
        if (name == reportFormatName(format))
            return format;
    }
    if (name == u"md")
        return ReportFormat::Markdown;
    return std::nullopt;
}

QString reportFormatSuffix(ReportFormat format)
{
    switch (format) {
    case ReportFormat::Csv:
        return u".csv"_s;
    case ReportFormat::Json:
        return u".json"_s;
    case ReportFormat::Markdown:
        return u".md"_s;
    case ReportFormat::Html:
        return u".html"_s;
    }
    return {};
}

QString reportSortName(ReportSort sort)
{
    switch (sort) {
    case ReportSort::Tag:
        return u"tag"_s;
    case ReportSort::Created:
        return u"created"_s;
    case ReportSort::Size:
        return u"size"_s;
    case ReportSort::Pushed:
        return u"pushed"_s;
    }
    return {};
}

std::optional<ReportSort> reportSortFromName(QStringView name)
{
    for (ReportSort sort :
         {ReportSort::Tag, ReportSort::Created, ReportSort::Size, ReportSort::Pushed}) {
        if (name == reportSortName(sort))
            return sort;
    }
    return std::nullopt;
}

Qt::SortOrder defaultReportOrder(ReportSort sort)
{
    // What an audit looks for first: names in reading order, the newest / largest images.
    return sort == ReportSort::Tag ? Qt::AscendingOrder : Qt::DescendingOrder;
}

QString reportOrderName(Qt::SortOrder order)
{
    return order == Qt::AscendingOrder ? u"asc"_s : u"desc"_s;
}

std::optional<Qt::SortOrder> reportOrderFromName(QStringView name)
{
    if (name == u"asc" || name == u"ascending")
        return Qt::AscendingOrder;
    if (name == u"desc" || name == u"descending")
        return Qt::DescendingOrder;
    return std::nullopt;
}

QString reportColumnName(ReportColumn column)
{
    switch (column) {
    case ReportColumn::Repository:
        return u"repository"_s;
    case ReportColumn::Tag:
        return u"tag"_s;
    case ReportColumn::Digest:
        return u"digest"_s;
    case ReportColumn::Kind:
        return u"kind"_s;
    case ReportColumn::MediaType:
        return u"media_type"_s;
    case ReportColumn::Platforms:
        return u"platforms"_s;
    case ReportColumn::Size:
        return u"size_bytes"_s;
    case ReportColumn::Created:
        return u"created"_s;
    case ReportColumn::Pushed:
        return u"pushed"_s;
    case ReportColumn::Pulled:
        return u"pulled"_s;
    case ReportColumn::Labels:
        return u"labels"_s;
    case ReportColumn::Vulnerabilities:
        return u"vulnerabilities"_s;
    }
    return {};
}

std::optional<ReportColumn> reportColumnFromName(QStringView name)
{
    for (ReportColumn column : allReportColumns(true)) {
        if (name == reportColumnName(column))
            return column;
    }
    return std::nullopt;
}

bool isHarborColumn(ReportColumn column)
{
    return column >= ReportColumn::Pushed;
}

QList<ReportColumn> allReportColumns(bool harbor)
{
    QList<ReportColumn> columns{ReportColumn::Repository, ReportColumn::Tag,
                                ReportColumn::Digest,     ReportColumn::Kind,
                                ReportColumn::MediaType,  ReportColumn::Platforms,
                                ReportColumn::Size,       ReportColumn::Created};
    if (harbor) {
        columns += {ReportColumn::Pushed, ReportColumn::Pulled, ReportColumn::Labels,
                    ReportColumn::Vulnerabilities};
    }
    return columns;
}

std::optional<QList<ReportColumn>> parseReportColumns(QStringView list, QString *error)
{
    QList<ReportColumn> columns;
    for (QStringView part : list.split(u',')) {
        const QStringView name = part.trimmed();
        if (name.isEmpty())
            continue;
        const auto column = reportColumnFromName(name);
        if (!column) {
            if (error)
                *error = u"unknown column \"%1\""_s.arg(name);
            return std::nullopt;
        }
        if (columns.contains(*column)) {
            if (error)
                *error = u"column \"%1\" given twice"_s.arg(name);
            return std::nullopt;
        }
        columns.append(*column);
    }
    if (columns.isEmpty()) {
        if (error)
            *error = u"no columns given"_s;
        return std::nullopt;
    }
    return columns;
}

} // namespace Berth
