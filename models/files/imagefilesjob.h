#pragma once

#include "models/files/imagefilesystem.h"

#include "net/core/job.h"
#include "net/formats/imagemetadata.h"
#include "net/formats/layerentry.h"

#include <QHash>
#include <QPointer>
#include <QStringList>

#include <functional>

namespace Berth {

class ByteQueue;
class LayerListingCache;
class MetadataService;
class RegistryBackend;

//! One image's files: its metadata (config, layers), every layer's listing and the merged
//! filesystem. For an index, the platform image chosen.
struct ImageFiles
{
    QString repository;
    QString reference;   //!< as asked: a tag or a digest
    QString indexDigest; //!< when reference named an index
    ImageMetadata image; //!< the (platform) image: digest, config, layers, size
    //! One per layer of image.layers, base first; empty for a layer skipped (see notes).
    QList<LayerListing> listings;
    QStringList notes; //!< layers skipped (foreign, non-distributable), entries skipped
    ImageFilesystem filesystem;

    QString platform() const; //!< "linux/arm64/v8"
};

//! Reads an image's files: the metadata (an index's platform image by platform), then each
//! layer's listing from the LayerListingCache or streamed from the registry (MaxConcurrent at
//! once, biggest first), then the merged filesystem, built off the GUI thread.
//! Errors: an index without a platform (InvalidInput, platforms() lists its platforms), a
//! platform it does not have, an artifact without filesystem layers (Unsupported), a layer that
//! fails (its error), more than MaxImageEntries entries in all (TooLarge).
class ImageFilesJob final : public ResultJob<ImageFiles>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageFilesJob)
public:
    static constexpr int MaxConcurrent = 3;
    //! What all layers may list together: about 250 bytes of memory an entry, so ~250 MB.
    static constexpr qint64 MaxImageEntries = 1000000;

    enum class Depth {
        Metadata, //!< the (platform) image's metadata only: no layer is read
        Files,    //!< and every layer's listing, and the merged filesystem
    };

    //! The metadata is asked of metadata (its memory and disk caches: a known image costs a HEAD
    //! of its tag, nothing by digest), the layers of its backend. cache may be null (nothing read
    //! or stored); metadata and cache must outlive the job.
    ImageFilesJob(MetadataService *metadata, LayerListingCache *cache, QString repository,
                  QString reference, QString platform, Depth depth, Priority priority,
                  QObject *parent);

    //! An index's platforms, once known ("linux/amd64", ...).
    const QStringList &platforms() const { return m_platforms; }
    //! Bytes of the layers to list and how many came so far (a cached layer counts whole once
    //! read from disk).
    qint64 bytesTotal() const { return m_bytesTotal; }
    qint64 bytesDone() const;

Q_SIGNALS:
    //! After the metadata and after each layer (the window's progress bar also polls
    //! bytesDone()).
    void progressed();

private:
    void start();
    //! The metadata of a tag or digest of the repository: the service's when there is one.
    ResultJob<ImageMetadata> *fetchMetadata(const QString &reference);
    void choosePlatform(const ImageMetadata &index);
    void takeImage(const ImageMetadata &image);
    void pump();
    //! A layer's listing from the cache (read on a worker thread), else stream().
    void loadCached(int index);
    void stream(int index);
    //! store: write it to the cache (on a worker thread; the job waits for it).
    void takeListing(int index, LayerListing listing, bool store);
    void build();

    RegistryBackend *m_backend;
    QPointer<MetadataService> m_service;
    LayerListingCache *m_cache;
    QString m_platform;
    Depth m_depth;
    ImageFiles m_files;
    QStringList m_platforms;
    QList<int> m_pending; //!< layers still to list, next last
    QHash<int, QPointer<ByteQueue>> m_inFlight;
    qint64 m_bytesTotal = 0;
    qint64 m_bytesListed = 0;
    qint64 m_entries = 0;
    int m_storing = 0; //!< listings being written to the cache
};

//! Reads the regular file path of files (symbolic and hard links followed) from its layer
//! (readLayerFile()): maxBytes < 0 for all of it. A path that is no regular file fails at once.
ResultJob<LayerFileRead> *readImageFile(RegistryBackend *backend, const ImageFiles &files,
                                        const QString &path, qint64 maxBytes,
                                        std::function<bool(QByteArrayView)> sink, Priority priority,
                                        QObject *parent);

//! True for media types of filesystem layers (Docker's and OCI's tar, tar+gzip, tar+zstd).
bool isFilesystemLayer(const QString &mediaType);
//! Foreign (Windows base) and non-distributable layers: referenced, not served.
bool isForeignLayer(const QString &mediaType);

} // namespace Berth
