#pragma once

// Helpers for tests that drive RegistryClient / OciBackend against a real registry: wait for
// one callback (the few APIs that still take one: SessionManager, ConnectionStore), and build
// test images with RegistryClient's own upload code.

#include "jobwait.h"
#include "net/core/digest.h"
#include "net/formats/mediatypes.h"
#include "net/oci/registryclient.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTimer>

#include <optional>

namespace Berth::Test {

//! Calls call(context, callback) and runs the event loop until the callback came or timeoutMs
//! passed (then empty). The context dies on return, so a late callback is never delivered.
template<typename T, typename Call>
std::optional<Result<T>> await(Call &&call, int timeoutMs = 30000)
{
    std::optional<Result<T>> out;
    QObject context;
    QEventLoop loop;
    call(&context, [&out, &loop](Result<T> result) {
        out.emplace(std::move(result));
        loop.quit();
    });
    if (!out) {
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return out;
}

struct PushedBlob
{
    QString digest;
    qint64 size = 0;
    QString mediaType;

    QJsonObject descriptor() const
    {
        return {{QStringLiteral("mediaType"), mediaType},
                {QStringLiteral("digest"), digest},
                {QStringLiteral("size"), size}};
    }
};

//! Uploads bytes as a blob; empty digest on failure (message in *error).
inline PushedBlob pushBlob(RegistryClient *client, const QString &repository,
                           const QByteArray &bytes, const QString &mediaType,
                           QString *error = nullptr)
{
    const Result<QString> result
            = waitFor(client->uploadBlob(repository, bytes, Priority::Visible));
    if (!result.ok()) {
        if (error)
            *error = result.error().toString();
        return {};
    }
    return {result.value(), bytes.size(), mediaType};
}

//! PUTs a manifest under reference; returns the registry's digest (empty on failure).
inline QString pushManifest(RegistryClient *client, const QString &repository,
                            const QString &reference, const QByteArray &bytes,
                            const QString &mediaType, QString *error = nullptr)
{
    const Result<QString> result
            = waitFor(client->putManifest(repository, reference, bytes, mediaType));
    if (!result.ok()) {
        if (error)
            *error = result.error().toString();
        return {};
    }
    return result.value();
}

struct ImageSpec
{
    QString os = QStringLiteral("linux");
    QString architecture = QStringLiteral("amd64");
    QString variant;
    QDateTime created = QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);
    QMap<QString, QString> labels;
    QList<QByteArray> layers = {QByteArrayLiteral("layer-1"), QByteArrayLiteral("layer-two")};
    bool oci = false;   //!< OCI media types instead of Docker schema2
    QString uniqueness; //!< goes into the config so equal specs can give different digests
};

struct PushedManifest
{
    QString digest;
    QByteArray bytes;
    QString mediaType;
    qint64 storedSize = 0; //!< config + layers
    QString configDigest;
};

//! Pushes config + layers + manifest and tags it (tag may be a digest-less empty string: then
//! the manifest is stored by digest only).
inline PushedManifest pushImage(RegistryClient *client, const QString &repository,
                                const QString &tag, const ImageSpec &spec, QString *error = nullptr)
{
    QJsonObject labels;
    for (auto it = spec.labels.cbegin(); it != spec.labels.cend(); ++it)
        labels.insert(it.key(), it.value());
    QJsonObject config{
            {QStringLiteral("architecture"), spec.architecture},
            {QStringLiteral("os"), spec.os},
            {QStringLiteral("created"), spec.created.toString(Qt::ISODate)},
            {QStringLiteral("config"), QJsonObject{{QStringLiteral("Labels"), labels}}},
            {QStringLiteral("rootfs"),
             QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                         {QStringLiteral("diff_ids"), QJsonArray()}}},
    };
    if (!spec.variant.isEmpty())
        config.insert(QStringLiteral("variant"), spec.variant);
    if (!spec.uniqueness.isEmpty())
        config.insert(QStringLiteral("comment"), spec.uniqueness);
    const QString configType
            = spec.oci ? QString(MediaType::OciConfig) : QString(MediaType::DockerConfig);
    const QString layerType
            = spec.oci ? QString(MediaType::OciLayer) : QString(MediaType::DockerLayer);
    const QString manifestType
            = spec.oci ? QString(MediaType::OciManifest) : QString(MediaType::DockerManifest);
    const PushedBlob configBlob
            = pushBlob(client, repository, QJsonDocument(config).toJson(QJsonDocument::Compact),
                       configType, error);
    if (configBlob.digest.isEmpty())
        return {};
    PushedManifest pushed;
    pushed.configDigest = configBlob.digest;
    pushed.storedSize = configBlob.size;
    QJsonArray layers;
    for (const QByteArray &layer : spec.layers) {
        const PushedBlob blob = pushBlob(client, repository, layer, layerType, error);
        if (blob.digest.isEmpty())
            return {};
        layers.append(blob.descriptor());
        pushed.storedSize += blob.size;
    }
    const QJsonObject manifest{{QStringLiteral("schemaVersion"), 2},
                               {QStringLiteral("mediaType"), manifestType},
                               {QStringLiteral("config"), configBlob.descriptor()},
                               {QStringLiteral("layers"), layers}};
    pushed.bytes = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
    pushed.mediaType = manifestType;
    const QString reference = tag.isEmpty() ? Digest::sha256(pushed.bytes) : tag;
    pushed.digest = pushManifest(client, repository, reference, pushed.bytes, manifestType, error);
    return pushed;
}

struct IndexEntry
{
    PushedManifest manifest;
    QString os;
    QString architecture;
    QString variant;
    QMap<QString, QString> annotations;
};

inline PushedManifest pushIndex(RegistryClient *client, const QString &repository,
                                const QString &tag, const QList<IndexEntry> &entries, bool oci,
                                QString *error = nullptr)
{
    QJsonArray manifests;
    for (const IndexEntry &entry : entries) {
        QJsonObject platform{{QStringLiteral("os"), entry.os},
                             {QStringLiteral("architecture"), entry.architecture}};
        if (!entry.variant.isEmpty())
            platform.insert(QStringLiteral("variant"), entry.variant);
        QJsonObject descriptor{{QStringLiteral("mediaType"), entry.manifest.mediaType},
                               {QStringLiteral("digest"), entry.manifest.digest},
                               {QStringLiteral("size"), qint64(entry.manifest.bytes.size())},
                               {QStringLiteral("platform"), platform}};
        if (!entry.annotations.isEmpty()) {
            QJsonObject annotations;
            for (auto it = entry.annotations.cbegin(); it != entry.annotations.cend(); ++it)
                annotations.insert(it.key(), it.value());
            descriptor.insert(QStringLiteral("annotations"), annotations);
        }
        manifests.append(descriptor);
    }
    const QString type
            = oci ? QString(MediaType::OciIndex) : QString(MediaType::DockerManifestList);
    const QJsonObject index{{QStringLiteral("schemaVersion"), 2},
                            {QStringLiteral("mediaType"), type},
                            {QStringLiteral("manifests"), manifests}};
    PushedManifest pushed;
    pushed.bytes = QJsonDocument(index).toJson(QJsonDocument::Compact);
    pushed.mediaType = type;
    pushed.digest = pushManifest(client, repository, tag, pushed.bytes, type, error);
    return pushed;
}

} // namespace Berth::Test
