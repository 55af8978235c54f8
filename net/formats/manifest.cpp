#include "net/formats/manifest.h"

#include "net/core/digest.h"
#include "net/formats/mediatypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// No real blob is a petabyte; a bigger size is a lie that would overflow sums.
constexpr double MaxDescriptorSize = double(qint64(1) << 50);

Error bad(const QString &what)
{
    return Error(ErrorCode::BadResponse, u"Malformed manifest: "_s + what);
}

Error tooLarge(const QString &what)
{
    return Error(ErrorCode::TooLarge, u"Manifest too large: "_s + what);
}

// "application/vnd.oci.image.index.v1+json; charset=utf-8" -> the bare, lower-cased type.
QString bareMediaType(const QString &contentType)
{
    return contentType.section(u';', 0, 0).trimmed().toLower();
}

bool isIndexType(QStringView type)
{
    return type == MediaType::OciIndex || type == MediaType::DockerManifestList;
}

bool isImageType(QStringView type)
{
    return type == MediaType::OciManifest || type == MediaType::DockerManifest;
}

bool isSchema1Type(QStringView type)
{
    return type == MediaType::DockerSchema1 || type == MediaType::DockerSchema1Signed;
}

bool isManifestType(QStringView type)
{
    return isIndexType(type) || isImageType(type) || isSchema1Type(type);
}

// An optional string member: absent or null is empty; any other non-string is an error.
Result<QString> optionalString(const QJsonObject &object, QLatin1StringView key,
                               const QString &where)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString())
        return bad(u"%1.%2 must be a string"_s.arg(where, key));
    return value.toString();
}

Result<QMap<QString, QString>> parseAnnotations(const QJsonValue &value, const QString &where)
{
    QMap<QString, QString> annotations;
    if (value.isUndefined() || value.isNull())
        return annotations;
    if (!value.isObject())
        return bad(where + u".annotations must be an object"_s);
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isString())
            return bad(u"%1.annotations[\"%2\"] must be a string"_s.arg(where, it.key()));
        annotations.insert(it.key(), it.value().toString());
    }
    return annotations;
}

Result<Platform> parsePlatform(const QJsonValue &value, const QString &where)
{
    if (!value.isObject())
        return bad(where + u".platform must be an object"_s);
    const QJsonObject object = value.toObject();
    const QString place = where + u".platform"_s;
    Platform platform;
    const std::pair<QLatin1StringView, QString *> fields[] = {
            {"os"_L1, &platform.os},
            {"architecture"_L1, &platform.architecture},
            {"variant"_L1, &platform.variant},
            {"os.version"_L1, &platform.osVersion},
    };
    for (const auto &[key, target] : fields) {
        Result<QString> text = optionalString(object, key, place);
        if (!text)
            return text.error();
        *target = text.value();
    }
    return platform;
}

Result<qint64> parseSize(const QJsonValue &value, const QString &where)
{
    if (!value.isDouble())
        return bad(where + u".size must be a number"_s);
    const double size = value.toDouble();
    if (size < 0 || std::floor(size) != size)
        return bad(where + u".size must be a non-negative integer"_s);
    if (size > MaxDescriptorSize)
        return bad(where + u".size is implausibly large"_s);
    return qint64(size);
}

Result<Descriptor> parseDescriptor(const QJsonValue &value, const QString &where)
{
    if (!value.isObject())
        return bad(where + u" must be an object"_s);
    const QJsonObject object = value.toObject();
    Descriptor descriptor;
    const Result<QString> mediaType = optionalString(object, "mediaType"_L1, where);
    const Result<QString> digest = optionalString(object, "digest"_L1, where);
    const Result<QString> artifactType = optionalString(object, "artifactType"_L1, where);
    for (const Result<QString> *field : {&mediaType, &digest, &artifactType}) {
        if (!*field)
            return field->error();
    }
    if (!Digest::isValid(digest.value()))
        return bad(where + u".digest is missing or not a valid sha256/sha512 digest"_s);
    const Result<qint64> size = parseSize(object.value("size"_L1), where);
    if (!size)
        return size.error();
    Result<QMap<QString, QString>> annotations
            = parseAnnotations(object.value("annotations"_L1), where);
    if (!annotations)
        return annotations.error();
    if (object.contains("platform"_L1)) {
        Result<Platform> platform = parsePlatform(object.value("platform"_L1), where);
        if (!platform)
            return platform.error();
        descriptor.platform = platform.value();
    }
    descriptor.mediaType = mediaType.value();
    descriptor.digest = digest.value();
    descriptor.size = size.value();
    descriptor.artifactType = artifactType.value();
    descriptor.annotations = annotations.value();
    return descriptor;
}

Result<QList<Descriptor>> parseDescriptorArray(const QJsonObject &object, QLatin1StringView key)
{
    const QJsonValue value = object.value(key);
    if (!value.isArray())
        return bad(u"\"%1\" must be an array"_s.arg(key));
    const QJsonArray array = value.toArray();
    if (array.size() > MaxDescriptorsPerManifest)
        return tooLarge(u"%1 entries in \"%2\" (at most %3)"_s.arg(array.size())
                                .arg(key)
                                .arg(MaxDescriptorsPerManifest));
    QList<Descriptor> descriptors;
    descriptors.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        Result<Descriptor> descriptor = parseDescriptor(array.at(i), u"%1[%2]"_s.arg(key).arg(i));
        if (!descriptor)
            return descriptor.error();
        descriptors.append(std::move(descriptor).value());
    }
    return descriptors;
}

// The parts image manifests and indexes share: artifactType, subject, annotations.
Result<void> parseCommon(const QJsonObject &object, Manifest &manifest)
{
    const Result<QString> artifactType = optionalString(object, "artifactType"_L1, u"manifest"_s);
    if (!artifactType)
        return artifactType.error();
    manifest.artifactType = artifactType.value();
    if (object.contains("subject"_L1)) {
        Result<Descriptor> subject = parseDescriptor(object.value("subject"_L1), u"subject"_s);
        if (!subject)
            return subject.error();
        manifest.subject = subject.value();
    }
    Result<QMap<QString, QString>> annotations
            = parseAnnotations(object.value("annotations"_L1), u"manifest"_s);
    if (!annotations)
        return annotations.error();
    manifest.annotations = annotations.value();
    return {};
}

Result<void> parseImage(const QJsonObject &object, Manifest &manifest)
{
    Result<Descriptor> config = parseDescriptor(object.value("config"_L1), u"config"_s);
    if (!config)
        return config.error();
    Result<QList<Descriptor>> layers = parseDescriptorArray(object, "layers"_L1);
    if (!layers)
        return layers.error();
    manifest.kind = ManifestKind::Image;
    manifest.config = config.value();
    manifest.layers = layers.value();
    return parseCommon(object, manifest);
}

Result<void> parseIndex(const QJsonObject &object, Manifest &manifest)
{
    Result<QList<Descriptor>> manifests = parseDescriptorArray(object, "manifests"_L1);
    if (!manifests)
        return manifests.error();
    manifest.kind = ManifestKind::Index;
    manifest.manifests = manifests.value();
    return parseCommon(object, manifest);
}

// The "created" of the newest layer's v1Compatibility (history[0]); empty when unreadable.
QString schema1Created(const QJsonObject &object)
{
    const QJsonArray history = object.value("history"_L1).toArray();
    if (history.isEmpty())
        return {};
    const QByteArray compat
            = history.first().toObject().value("v1Compatibility"_L1).toString().toUtf8();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(compat, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return {};
    return document.object().value("created"_L1).toString();
}

Result<void> parseSchema1(const QJsonObject &object, Manifest &manifest)
{
    const QJsonValue fsLayers = object.value("fsLayers"_L1);
    if (!fsLayers.isArray())
        return bad(u"\"fsLayers\" must be an array"_s);
    const QJsonArray array = fsLayers.toArray();
    if (array.size() > MaxDescriptorsPerManifest)
        return tooLarge(u"%1 fsLayers"_s.arg(array.size()));
    // fsLayers lists the newest layer first; Berth lists layers base first like schema2.
    for (qsizetype i = array.size() - 1; i >= 0; --i) {
        const QString blobSum = array.at(i).toObject().value("blobSum"_L1).toString();
        if (!Digest::isValid(blobSum))
            return bad(u"fsLayers[%1].blobSum is not a valid digest"_s.arg(i));
        Descriptor layer;
        layer.mediaType = MediaType::DockerLayer;
        layer.digest = blobSum;
        manifest.layers.append(layer);
    }
    const Result<QString> architecture = optionalString(object, "architecture"_L1, u"manifest"_s);
    if (!architecture)
        return architecture.error();
    manifest.kind = ManifestKind::Schema1;
    manifest.schema1Architecture = architecture.value();
    manifest.schema1Created = schema1Created(object);
    return {};
}

// The media type to parse as: the body's, else a manifest Content-Type, else the shape's.
QString effectiveMediaType(const QJsonObject &object, const QString &bodyType,
                           const QString &contentType, int schemaVersion)
{
    if (!bodyType.isEmpty())
        return bodyType;
    const QString headerType = bareMediaType(contentType);
    if (isManifestType(headerType))
        return headerType;
    if (schemaVersion == 1) {
        return object.contains("signatures"_L1) ? QString(MediaType::DockerSchema1Signed)
                                                : QString(MediaType::DockerSchema1);
    }
    if (object.contains("manifests"_L1))
        return MediaType::OciIndex;
    if (object.contains("config"_L1) && object.contains("layers"_L1))
        return MediaType::OciManifest;
    return {};
}

Result<QJsonObject> parseBody(const QByteArray &body)
{
    if (body.size() > MaxManifestBytes)
        return tooLarge(u"%1 bytes (at most %2)"_s.arg(body.size()).arg(MaxManifestBytes));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::DeepNesting)
        return tooLarge(u"JSON nested too deeply"_s);
    if (error.error != QJsonParseError::NoError)
        return bad(u"invalid JSON at offset %1: %2"_s.arg(error.offset).arg(error.errorString()));
    if (!document.isObject())
        return bad(u"the document is not a JSON object"_s);
    return document.object();
}

Result<int> parseSchemaVersion(const QJsonObject &object)
{
    const QJsonValue value = object.value("schemaVersion"_L1);
    if (value.isUndefined())
        return 0;
    if (!value.isDouble() || value.toDouble() != std::floor(value.toDouble()))
        return bad(u"schemaVersion must be an integer"_s);
    return value.toInt();
}

} // namespace

QString Platform::toString() const
{
    QString text = os + u'/' + architecture;
    if (!variant.isEmpty())
        text += u'/' + variant;
    return text;
}

qint64 Manifest::storedSize() const
{
    if (kind != ManifestKind::Image)
        return -1;
    qint64 total = config.size;
    for (const Descriptor &layer : layers)
        total += layer.size;
    return total;
}

Result<Manifest> parseManifest(const QByteArray &body, const QString &contentType)
{
    const Result<QJsonObject> parsed = parseBody(body);
    if (!parsed)
        return parsed.error();
    const QJsonObject &object = parsed.value();
    const Result<int> schemaVersion = parseSchemaVersion(object);
    const Result<QString> bodyType = optionalString(object, "mediaType"_L1, u"manifest"_s);
    if (!schemaVersion)
        return schemaVersion.error();
    if (!bodyType)
        return bodyType.error();

    Manifest manifest;
    manifest.schemaVersion = schemaVersion.value();
    manifest.mediaType
            = effectiveMediaType(object, bodyType.value(), contentType, manifest.schemaVersion);
    if (isSchema1Type(manifest.mediaType)) {
        if (manifest.schemaVersion != 1)
            return bad(u"schemaVersion %1 in a schema1 manifest"_s.arg(manifest.schemaVersion));
        const Result<void> result = parseSchema1(object, manifest);
        return result ? Result<Manifest>(manifest) : Result<Manifest>(result.error());
    }
    if (manifest.mediaType.isEmpty()) {
        return Error(ErrorCode::Unsupported,
                     u"Unsupported manifest: no mediaType and neither \"manifests\" nor "
                     u"\"config\" and \"layers\""_s);
    }
    if (!isIndexType(manifest.mediaType) && !isImageType(manifest.mediaType)) {
        return Error(ErrorCode::Unsupported,
                     u"Unsupported manifest media type \"%1\""_s.arg(manifest.mediaType));
    }
    if (manifest.schemaVersion != 2)
        return bad(u"schemaVersion is %1, expected 2"_s.arg(manifest.schemaVersion));
    const Result<void> result = isIndexType(manifest.mediaType) ? parseIndex(object, manifest)
                                                                : parseImage(object, manifest);
    if (!result)
        return result.error();
    return manifest;
}

} // namespace Berth
