#include "reportoptions.h"

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

} // namespace Berth
