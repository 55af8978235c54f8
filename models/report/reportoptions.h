#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Berth {

enum class ReportFormat { Csv, Json, Markdown, Html };
//! Row order. Tag: natural order ("1.9" before "1.10"); Created and Size: newest / largest first
//! (what an audit looks for), ties in natural tag order; Pushed: Harbor's push time, newest first.
enum class ReportSort { Tag, Created, Size, Pushed };

//! The columns of a report, in the documented order (the CSV header's). The last four are
//! Harbor's and exist only when the backend has tag extras.
enum class ReportColumn {
    Repository,
    Tag,
    Digest,
    Kind,
    MediaType,
    Platforms,
    Size,
    Created,
    Pushed,
    Pulled,
    Labels,
    Vulnerabilities,
};
//! The CSV header names: "repository", "tag", "digest", "kind", "media_type", "platforms",
//! "size_bytes", "created", "pushed", "pulled", "labels", "vulnerabilities".
QString reportColumnName(ReportColumn column);
std::optional<ReportColumn> reportColumnFromName(QStringView name);
//! Pushed, Pulled, Labels, Vulnerabilities.
bool isHarborColumn(ReportColumn column);
//! Every column in the documented order; the Harbor ones only with harbor.
QList<ReportColumn> allReportColumns(bool harbor);
//! Parses "tag,digest,size_bytes" (names as in the CSV header, in the order given). Errors:
//! an unknown or repeated name, an empty list.
std::optional<QList<ReportColumn>> parseReportColumns(QStringView list, QString *error);

//! "csv", "json", "markdown", "html".
QString reportFormatName(ReportFormat format);
std::optional<ReportFormat> reportFormatFromName(QStringView name);
//! ".csv", ".json", ".md", ".html": for a save dialog's default name.
QString reportFormatSuffix(ReportFormat format);
//! "tag", "created", "size", "pushed".
QString reportSortName(ReportSort sort);
std::optional<ReportSort> reportSortFromName(QStringView name);
//! The order a sort key has unless asked otherwise: tag ascending, the others descending.
Qt::SortOrder defaultReportOrder(ReportSort sort);
//! "asc", "desc".
QString reportOrderName(Qt::SortOrder order);
std::optional<Qt::SortOrder> reportOrderFromName(QStringView name);

//! What a report covers and how it is written. A dialog fills this from the table's current
//! state (selection, filter text, sort column) and hands it to a ReportJob.
struct ReportOptions
{
    ReportFormat format = ReportFormat::Csv;
    //! Repository path as the backend knows it ("team-a/api").
    QString repository;
    //! How the repository is named in the report ("127.0.0.1:5000/team-a/api"); empty =
    //! repository.
    QString repositoryDisplayName;
    //! An explicit selection of tags; empty = every tag of the repository.
    QStringList tags;
    //! A regular expression (QRegularExpression syntax) a tag must contain a match of; empty =
    //! every tag.
    QString filter;
    ReportSort sort = ReportSort::Tag;
    //! Ascending or descending; nullopt = defaultReportOrder(sort). Unknown values (no creation
    //! time, no push time) come last either way, and ties stay in ascending tag order.
    std::optional<Qt::SortOrder> order;
    //! The columns to write, in this order; empty = allReportColumns(backend has extras).
    //! Harbor columns need a backend with tag extras (the job fails otherwise).
    QList<ReportColumn> columns;
    //! One row per platform image of a multi-arch index instead of one row per tag.
    bool perPlatform = false;
    //! The file to write (QSaveFile: nothing appears there unless the report completes). Ignored
    //! when the job writes to a device.
    QString destination;

    Qt::SortOrder effectiveOrder() const { return order.value_or(defaultReportOrder(sort)); }
};

} // namespace Berth
