#pragma once

#include "net/formats/artifactkind.h"
#include "net/formats/imageconfig.h"
#include "net/formats/manifest.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace Berth {

//! One platform image of an index (or the single image itself).
struct PlatformImage
{
    Platform platform;
    QString digest;
    QString mediaType;
    qint64 size = -1;  //!< config + layers as stored; -1 unknown
    QDateTime created; //!< from its config; invalid when unknown
    QString error;     //!< why this child could not be read (e.g. 404), empty when fine
};

//! What Berth knows about one manifest digest. Immutable for a digest, hence cacheable forever.
struct ImageMetadata
{
    QString digest;
    QString mediaType;
    ArtifactKind kind = ArtifactKind::Image;
    QString artifactType;
    qint64 size
            = -1; //!< Image: config+layers. Index: sum of its platform images (not attestations)
    QDateTime created;              //!< Image: config.created. Index: newest of its platform images
    QList<PlatformImage> platforms; //!< Image: one entry (itself). Index: real platforms
    QList<PlatformImage> attestations; //!< Index: unknown/unknown entries, listed apart
    QList<Descriptor> layers;          //!< Image only
    QString configDigest;
    QString configMediaType;
    ImageConfig config; //!< Image only
    QMap<QString, QString> annotations;
    QStringList warnings; //!< tolerated quirks ("platform linux/s390x: manifest unknown")
    //! A config or platform manifest did not hash to its digest: its data is left out (a warning
    //! says which). Not a quirk to tolerate silently: reports exit 1 for it.
    bool failedDigestCheck = false;

    bool isValid() const { return !digest.isEmpty(); }
    //! "linux/amd64, linux/arm64"
    QString platformsText() const;
    //! The `berth inspect --json` shape: {digest, mediaType, kind, size, created,
    //! platforms:[{os, architecture, variant, digest, size, created}], ...}. Times ISO-8601 UTC.
    QJsonObject toJson() const;
};

} // namespace Berth
