#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace Berth {

enum class ReportFormat { Csv, Json, Markdown, Html };
//! Row order. Tag: natural order ("1.9" before "1.10"); Created and Size: newest / largest first
//! (what an audit looks for), ties in natural tag order; Pushed: Harbor's push time, newest first.
enum class ReportSort { Tag, Created, Size, Pushed };

//! "csv", "json", "markdown", "html".
QString reportFormatName(ReportFormat format);
std::optional<ReportFormat> reportFormatFromName(QStringView name);
//! ".csv", ".json", ".md", ".html": for a save dialog's default name.
QString reportFormatSuffix(ReportFormat format);
//! "tag", "created", "size", "pushed".
QString reportSortName(ReportSort sort);
std::optional<ReportSort> reportSortFromName(QStringView name);

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
    //! One row per platform image of a multi-arch index instead of one row per tag.
    bool perPlatform = false;
    //! The file to write (QSaveFile: nothing appears there unless the report completes). Ignored
    //! when the job writes to a device.
    QString destination;
};

} // namespace Berth
