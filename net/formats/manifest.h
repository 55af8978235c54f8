#pragma once

#include "net/core/error.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace Berth {

struct Platform
{
    QString os;
    QString architecture;
    QString variant;
    QString osVersion;

    //! "linux/arm64/v8" (variant only when set).
    QString toString() const;
    //! buildx attestation entries use "unknown/unknown".
    bool isUnknown() const { return os == u"unknown" && architecture == u"unknown"; }
    bool operator==(const Platform &) const = default;
};

struct Descriptor
{
    QString mediaType;
    QString digest;
    qint64 size = 0;
    QString artifactType;
    std::optional<Platform> platform;
    QMap<QString, QString> annotations;
};

enum class ManifestKind {
    Image,   //!< Docker schema2 or OCI image manifest (also OCI artifacts)
    Index,   //!< Docker manifest list or OCI index
    Schema1, //!< legacy Docker schema1, read-only
};

//! A parsed manifest. Parsing checks shape and limits, not digests (the caller verifies bytes).
struct Manifest
{
    ManifestKind kind = ManifestKind::Image;
    QString mediaType; //!< from the body, else the Content-Type, else inferred from the shape
    int schemaVersion = 0;
    QString artifactType;
    Descriptor config;           //!< Image only
    QList<Descriptor> layers;    //!< Image (and Schema1 fsLayers, sizes unknown = 0)
    QList<Descriptor> manifests; //!< Index only
    std::optional<Descriptor> subject;
    QMap<QString, QString> annotations;
    // Schema1 only: what its embedded v1Compatibility says.
    QString schema1Architecture;
    QString schema1Created;

    //! Config + layers as stored (compressed). Image only.
    qint64 storedSize() const;
};

//! Caps on hostile input; bodies bigger than this are refused before parsing.
inline constexpr qint64 MaxManifestBytes = 4 * 1024 * 1024;
inline constexpr int MaxDescriptorsPerManifest = 10000;

//! Parses a manifest or index body. contentType (the response's Content-Type) is used when the
//! body carries no mediaType (OCI allows that). Errors: BadResponse, TooLarge, Unsupported.
Result<Manifest> parseManifest(const QByteArray &body, const QString &contentType = {});

//! What a HEAD of a manifest tells.
struct ManifestHead
{
    QString digest;    //!< Docker-Content-Digest (may be empty if the registry omits it on HEAD)
    QString mediaType; //!< Content-Type
    qint64 size = -1;
};

struct FetchedManifest
{
    QByteArray bytes;  //!< exactly as served; retag PUTs these
    QString digest;    //!< verified: sha256 of bytes
    QString mediaType; //!< Content-Type (or the body's mediaType)
    Manifest manifest;
};

//! A tag and the manifest it points at.
struct TagDigest
{
    QString tag;
    QString digest;
    QString mediaType;
};

} // namespace Berth
