#include "net/formats/imagemetadata.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// ISO-8601 in UTC with 'Z'; null when unknown so scripts can tell "unknown" from a time.
QJsonValue timeValue(const QDateTime &time)
{
    if (!time.isValid())
        return QJsonValue::Null;
    return time.toUTC().toString(Qt::ISODate);
}

QJsonValue sizeValue(qint64 size)
{
    if (size < 0)
        return QJsonValue::Null;
    return QJsonValue(size);
}

QJsonObject stringMapObject(const QMap<QString, QString> &map)
{
    QJsonObject object;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QJsonObject platformImageObject(const PlatformImage &image)
{
    QJsonObject object{
            {u"os"_s, image.platform.os},
            {u"architecture"_s, image.platform.architecture},
            {u"digest"_s, image.digest},
            {u"size"_s, sizeValue(image.size)},
            {u"created"_s, timeValue(image.created)},
    };
    if (!image.platform.variant.isEmpty())
        object.insert(u"variant"_s, image.platform.variant);
    if (!image.error.isEmpty())
        object.insert(u"error"_s, image.error);
    return object;
}

QJsonArray platformImageArray(const QList<PlatformImage> &images)
{
    QJsonArray array;
    for (const PlatformImage &image : images)
        array.append(platformImageObject(image));
    return array;
}

QJsonArray layerArray(const QList<Descriptor> &layers)
{
    QJsonArray array;
    for (const Descriptor &layer : layers) {
        array.append(QJsonObject{{u"mediaType"_s, layer.mediaType},
                                 {u"digest"_s, layer.digest},
                                 {u"size"_s, QJsonValue(layer.size)}});
    }
    return array;
}

} // namespace

QString ImageMetadata::platformsText() const
{
    QStringList names;
    for (const PlatformImage &image : platforms) {
        const QString name = image.platform.toString();
        if (!image.platform.os.isEmpty() && !names.contains(name))
            names.append(name);
    }
    return names.join(u", "_s);
}

QJsonObject ImageMetadata::toJson() const
{
    QJsonObject object{
            {u"digest"_s, digest},
            {u"mediaType"_s, mediaType},
            {u"kind"_s, artifactKindName(kind)},
            {u"size"_s, sizeValue(size)},
            {u"created"_s, timeValue(created)},
            {u"platforms"_s, platformImageArray(platforms)},
            {u"attestations"_s, platformImageArray(attestations)},
            {u"labels"_s, stringMapObject(config.labels)},
            {u"annotations"_s, stringMapObject(annotations)},
    };
    if (!artifactType.isEmpty())
        object.insert(u"artifactType"_s, artifactType);
    if (!configDigest.isEmpty()) {
        object.insert(u"config"_s,
                      QJsonObject{{u"digest"_s, configDigest}, {u"mediaType"_s, configMediaType}});
    }
    if (!layers.isEmpty())
        object.insert(u"layers"_s, layerArray(layers));
    if (!warnings.isEmpty())
        object.insert(u"warnings"_s, QJsonArray::fromStringList(warnings));
    return object;
}

} // namespace Berth
