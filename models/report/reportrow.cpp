#include "models/report/reportrow.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace Berth {

QString reportTime(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

static const PlatformImage *platformOf(const ReportRow &row)
{
    if (!row.image || row.platformIndex < 0 || row.platformIndex >= row.image->platforms.size())
        return nullptr;
    return &row.image->platforms.at(row.platformIndex);
}

QString ReportRow::digest() const
{
    if (const PlatformImage *platform = platformOf(*this))
        return platform->digest;
    return image ? image->digest : QString();
}

QString ReportRow::mediaType() const
{
    if (const PlatformImage *platform = platformOf(*this))
        return platform->mediaType;
    return image ? image->mediaType : QString();
}

QString ReportRow::kind() const
{
    if (platformOf(*this))
        return artifactKindName(ArtifactKind::Image);
    return image ? artifactKindName(image->kind) : QString();
}

qint64 ReportRow::size() const
{
    if (const PlatformImage *platform = platformOf(*this))
        return platform->size;
    return image ? image->size : -1;
}

QDateTime ReportRow::created() const
{
    if (const PlatformImage *platform = platformOf(*this))
        return platform->created;
    return image ? image->created : QDateTime();
}

QStringList ReportRow::platforms() const
{
    QStringList names;
    if (!image)
        return names;
    const auto add = [&names](const PlatformImage &platform) {
        // Artifacts have no platform; attestations (unknown/unknown) are listed apart, never
        // here.
        if (platform.platform.os.isEmpty() || platform.platform.isUnknown())
            return;
        const QString name = platform.platform.toString();
        if (!names.contains(name))
            names.append(name);
    };
    if (const PlatformImage *platform = platformOf(*this)) {
        add(*platform);
        return names;
    }
    for (const PlatformImage &platform : image->platforms)
        add(platform);
    return names;
}

QString ReportRow::indexDigest() const
{
    return platformOf(*this) ? image->digest : QString();
}

static QJsonObject extrasObject(const TagExtras &extras)
{
    QJsonObject vulnerabilities;
    const QMap<QString, int> counts = extras.scannedVulnerabilities();
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        vulnerabilities.insert(it.key(), it.value());
    const auto time = [](const QDateTime &t) {
        return t.isValid() ? QJsonValue(reportTime(t)) : QJsonValue(QJsonValue::Null);
    };
    return QJsonObject{
            {u"pushed"_s, time(extras.pushed)},
            {u"pulled"_s, time(extras.pulled)},
            {u"labels"_s, QJsonArray::fromStringList(extras.labelNames())},
            {u"vulnerabilities"_s,
             extras.isScanned() ? QJsonValue(vulnerabilities) : QJsonValue(QJsonValue::Null)},
    };
}

QJsonObject ReportRow::toJson() const
{
    QJsonObject object;
    if (!image) {
        object = QJsonObject{
                {u"digest"_s, QJsonValue::Null},   {u"mediaType"_s, QJsonValue::Null},
                {u"kind"_s, QJsonValue::Null},     {u"size"_s, QJsonValue::Null},
                {u"created"_s, QJsonValue::Null},  {u"platforms"_s, QJsonArray()},
                {u"attestations"_s, QJsonArray()}, {u"error"_s, error},
        };
    } else if (const PlatformImage *platform = platformOf(*this)) {
        // The platform image as `berth inspect --json` shows it, plus the index it came from.
        ImageMetadata single;
        single.digest = platform->digest;
        single.mediaType = platform->mediaType;
        single.kind = ArtifactKind::Image;
        single.size = platform->size;
        single.created = platform->created;
        single.platforms = {*platform};
        object = single.toJson();
        object.insert(u"index"_s, image->digest);
        if (!platform->error.isEmpty())
            object.insert(u"error"_s, platform->error);
    } else {
        object = image->toJson();
    }
    // The report is about tags, not image contents: config labels, annotations and layers are
    // for `berth inspect`. Dropping them also keeps a 100,000-tag document lean.
    for (const QString &key : {u"labels"_s, u"annotations"_s, u"config"_s, u"layers"_s})
        object.remove(key);
    object.insert(u"tag"_s, tag);
    if (extras)
        object.insert(u"harbor"_s, extrasObject(*extras));
    return object;
}

QJsonObject ReportRow::toJson(const QList<ReportColumn> &columns) const
{
    QJsonObject object = toJson();
    const auto drop = [&object, &columns](ReportColumn column, QStringList keys) {
        if (!columns.contains(column)) {
            for (const QString &key : keys)
                object.remove(key);
        }
    };
    drop(ReportColumn::Tag, {u"tag"_s});
    drop(ReportColumn::Digest, {u"digest"_s, u"index"_s});
    drop(ReportColumn::Kind, {u"kind"_s, u"artifactType"_s});
    drop(ReportColumn::MediaType, {u"mediaType"_s});
    drop(ReportColumn::Platforms, {u"platforms"_s, u"attestations"_s});
    drop(ReportColumn::Size, {u"size"_s});
    drop(ReportColumn::Created, {u"created"_s});
    if (object.contains(u"harbor"_s)) {
        QJsonObject harbor = object.value(u"harbor"_s).toObject();
        const QList<std::pair<ReportColumn, QString>> fields{
                {ReportColumn::Pushed, u"pushed"_s},
                {ReportColumn::Pulled, u"pulled"_s},
                {ReportColumn::Labels, u"labels"_s},
                {ReportColumn::Vulnerabilities, u"vulnerabilities"_s},
        };
        for (const auto &[column, key] : fields) {
            if (!columns.contains(column))
                harbor.remove(key);
        }
        if (harbor.isEmpty())
            object.remove(u"harbor"_s);
        else
            object.insert(u"harbor"_s, harbor);
    }
    return object;
}

ReportImagePtr ReportRow::compact(const ImageMetadata &metadata)
{
    auto image = std::make_shared<ImageMetadata>();
    image->digest = metadata.digest;
    image->mediaType = metadata.mediaType;
    image->kind = metadata.kind;
    image->artifactType = metadata.artifactType;
    image->size = metadata.size;
    image->created = metadata.created;
    image->platforms = metadata.platforms;
    image->attestations = metadata.attestations;
    image->warnings = metadata.warnings;
    return image;
}

QList<ReportRow> ReportRow::rowsFor(const QString &repository, const QString &tag,
                                    const ReportImagePtr &image, bool perPlatform,
                                    const std::optional<TagExtras> &extras)
{
    ReportRow row;
    row.repository = repository;
    row.tag = tag;
    row.image = image;
    row.extras = extras;
    if (!perPlatform || !image || image->kind != ArtifactKind::Index || image->platforms.isEmpty())
        return {row};
    QList<ReportRow> rows;
    rows.reserve(image->platforms.size());
    for (int i = 0; i < image->platforms.size(); ++i) {
        row.platformIndex = i;
        row.firstOfTag = i == 0;
        rows.append(row);
    }
    return rows;
}

} // namespace Berth
