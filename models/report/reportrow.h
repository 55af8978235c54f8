#pragma once

#include "models/report/reportoptions.h"
#include "net/formats/tagextras.h"

#include "net/formats/imagemetadata.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace Berth {

using ReportImagePtr = std::shared_ptr<const ImageMetadata>;

//! One row of a report: a tag (or, with perPlatform, one platform image of a tag's index).
//! Holds the tag's metadata by pointer so rows of tags sharing a digest share it.
struct ReportRow
{
    QString repository; //!< display name, "127.0.0.1:5000/team-a/api"
    QString tag;
    ReportImagePtr image; //!< null when error is set
    //! perPlatform rows of an index: index into image->platforms; -1 = the whole tag.
    int platformIndex = -1;
    QString error; //!< why this tag could not be read
    std::optional<TagExtras> extras;
    bool firstOfTag = true; //!< false for the 2nd.. platform rows of one tag

    QString digest() const;
    QString mediaType() const;
    QString kind() const;          //!< artifactKindName
    qint64 size() const;           //!< -1 unknown
    QDateTime created() const;     //!< invalid unknown
    QStringList platforms() const; //!< "os/arch[/variant]", attestations never
    //! The index digest for a per-platform row, else empty.
    QString indexDigest() const;
    //! The tag entry of the JSON report: ImageMetadata::toJson() field names.
    QJsonObject toJson() const;
    //! Only the fields of the chosen columns (plus "error", "warnings", "artifactType" with
    //! kind, "index" with digest, "attestations" with platforms); "harbor" holds only the chosen
    //! Harbor fields and is left out when none is chosen. The repository column is the
    //! document's "repository".
    QJsonObject toJson(const QList<ReportColumn> &columns) const;

    //! The compact copy a report keeps per digest: no layers, config, labels, annotations.
    static ReportImagePtr compact(const ImageMetadata &metadata);
    //! The rows for one tag: one, or (perPlatform and an index) one per platform image.
    static QList<ReportRow> rowsFor(const QString &repository, const QString &tag,
                                    const ReportImagePtr &image, bool perPlatform,
                                    const std::optional<TagExtras> &extras);
};

//! ISO-8601 UTC ("2024-03-01T12:00:00Z"), empty when invalid.
QString reportTime(const QDateTime &time);

} // namespace Berth
