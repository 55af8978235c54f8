#pragma once

#include "net/formats/imagemetadata.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QStringList>

namespace Berth {

class ImageFilesystem;

//! One config field of two images, as JSON values (`berth diff --json`) and as text (the
//! window's side-by-side table).
struct ConfigField
{
    QString name; //!< "created", "os", ..., "history"
    QJsonValue a;
    QJsonValue b;
    bool differs() const { return a != b; }
    static QString text(const QJsonValue &value); //!< one line per list item / label
};

//! What differs between image A and image B: config fields, layers (by digest), the stored
//! size, and on request the files (added, removed, changed by type, size, mode, link target or
//! content).
struct ImageComparison
{
    QString a; //!< the references as given
    QString b;
    QList<ConfigField> fields; //!< every field, in a fixed order
    QStringList sharedLayers;  //!< in A's order
    QStringList onlyA;
    QStringList onlyB;
    qint64 sizeA = 0; //!< config + layers as stored
    qint64 sizeB = 0;
    bool comparedFiles = false;
    QStringList added; //!< sorted paths
    QStringList removed;
    QStringList changed;

    qint64 sizeDelta() const { return sizeB - sizeA; }
    //! The `berth diff --json` shape: {a, b, config: {FIELD: [A, B]} (differing only),
    //! layers: {shared, only_a, only_b}, size_delta, files (when compared)}.
    QJsonObject toJson() const;

    static ImageComparison compare(const QString &a, const ImageMetadata &imageA, const QString &b,
                                   const ImageMetadata &imageB);
    //! Adds the file-level difference.
    void compareFiles(const ImageFilesystem &filesA, const ImageFilesystem &filesB);
    //! The config fields of one image (a's side), in the order the comparison uses.
    static QList<QPair<QString, QJsonValue>> configFields(const ImageMetadata &image);
};

} // namespace Berth
