#include "models/files/imagefilesjob.h"

#include "models/files/layerlistingcache.h"
#include "models/metadata/metadataservice.h"

#include "net/backend/registrybackend.h"
#include "net/layers/layerjobs.h"
#include "net/transport/bytequeue.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

QString ImageFiles::platform() const
{
    Platform platform;
    platform.os = image.config.os;
    platform.architecture = image.config.architecture;
    platform.variant = image.config.variant;
    if (platform.os.isEmpty() && !image.platforms.isEmpty())
        return image.platforms.constFirst().platform.toString();
    return platform.toString();
}

ResultJob<LayerFileRead> *readImageFile(RegistryBackend *backend, const ImageFiles &files,
                                        const QString &path, qint64 maxBytes,
                                        std::function<bool(QByteArrayView)> sink, Priority priority,
                                        QObject *parent)
{
    const Result<const MergedEntry *> file = files.filesystem.resolveFile(path);
    if (!file)
        return failedJob<LayerFileRead>(file.error(), parent);
    const MergedEntry &merged = **file;
    return readLayerFile(backend, files.repository, files.listings.at(merged.layer - 1),
                         merged.entry, maxBytes, std::move(sink), priority, parent);
}

bool isForeignLayer(const QString &mediaType)
{
    return mediaType.contains(u"foreign"_s) || mediaType.contains(u"nondistributable"_s);
}

bool isFilesystemLayer(const QString &mediaType)
{
    return mediaType.startsWith(u"application/vnd.docker.image.rootfs."_s)
           || mediaType.startsWith(u"application/vnd.oci.image.layer."_s);
}

ImageFilesJob::ImageFilesJob(MetadataService *metadata, LayerListingCache *cache,
                             QString repository, QString reference, QString platform, Depth depth,
                             Priority priority, QObject *parent)
    : ResultJob<ImageFiles>(priority, parent)
    , m_backend(metadata->backend())
    , m_service(metadata)
    , m_cache(cache)
    , m_platform(std::move(platform))
    , m_depth(depth)
{
    m_files.repository = std::move(repository);
    m_files.reference = std::move(reference);
    start();
}

ResultJob<ImageMetadata> *ImageFilesJob::fetchMetadata(const QString &reference)
{
    if (!m_service) {
        return failedJob<ImageMetadata>(
                Error(ErrorCode::Cancelled, u"the registry session is closed"_s), this);
    }
    auto *task = new Task<ImageMetadata>(priority(), this);
    task->await(m_service->metadata(m_files.repository, reference, priority()),
                [task](const Result<MetadataService::TagMetadata> &found) {
                    if (!found.ok())
                        task->fail(found.error());
                    else
                        task->finish(*found->metadata);
                });
    return task;
}

qint64 ImageFilesJob::bytesDone() const
{
    qint64 done = m_bytesListed;
    for (const LayerProgress &progress : m_inFlight) {
        if (progress)
            done += progress->bytesWritten();
    }
    return done;
}

//! "linux/arm64" names "linux/arm64" and "linux/arm64/v8".
static bool namesPlatform(const QString &wanted, const QString &platform)
{
    return platform == wanted || platform.startsWith(wanted + u'/');
}

void ImageFilesJob::start()
{
    awaitJob(fetchMetadata(m_files.reference), [this](const Result<ImageMetadata> &metadata) {
        if (!metadata)
            return finish(metadata.error());
        if (metadata->kind == ArtifactKind::Index)
            return choosePlatform(*metadata);
        const QString own = metadata->platforms.isEmpty()
                                    ? QString()
                                    : metadata->platforms.constFirst().platform.toString();
        if (!m_platform.isEmpty() && !own.isEmpty() && !namesPlatform(m_platform, own)) {
            return finish(Error(ErrorCode::NotFound, u"%1 is an image for %2, not %3"_s.arg(
                                                             m_files.reference, own, m_platform)));
        }
        takeImage(*metadata);
    });
}

void ImageFilesJob::choosePlatform(const ImageMetadata &index)
{
    m_files.indexDigest = index.digest;
    for (const PlatformImage &image : index.platforms)
        m_platforms.append(image.platform.toString());
    const QString list = m_platforms.join(u", "_s);
    if (m_platform.isEmpty()) {
        return finish(
                Error(ErrorCode::InvalidInput,
                      u"%1 is an index of %2: choose one platform"_s.arg(m_files.reference, list)));
    }
    // "linux/arm64" picks "linux/arm64/v8" when it is the only arm64 one.
    QList<const PlatformImage *> matches;
    for (const PlatformImage &image : index.platforms) {
        const QString name = image.platform.toString();
        if (name == m_platform) {
            matches = {&image};
            break;
        }
        if (namesPlatform(m_platform, name))
            matches.append(&image);
    }
    if (matches.size() != 1) {
        return finish(Error(
                matches.isEmpty() ? ErrorCode::NotFound : ErrorCode::InvalidInput,
                u"%1 has no platform %2 (it has %3)"_s.arg(m_files.reference, m_platform, list)));
    }
    awaitJob(fetchMetadata(matches.constFirst()->digest),
             [this](const Result<ImageMetadata> &metadata) {
                 if (!metadata)
                     return finish(metadata.error());
                 takeImage(*metadata);
             });
}

void ImageFilesJob::takeImage(const ImageMetadata &image)
{
    m_files.image = image;
    if (image.failedDigestCheck) {
        return finish(Error(ErrorCode::DigestMismatch,
                            u"%1: %2"_s.arg(m_files.reference, image.warnings.join(u"; "_s))));
    }
    if (image.kind != ArtifactKind::Image) {
        return finish(Error(ErrorCode::Unsupported,
                            u"%1 is a %2, not an image with files"_s.arg(
                                    m_files.reference, artifactKindName(image.kind))));
    }
    if (m_depth == Depth::Metadata)
        return finish(std::move(m_files));
    m_files.listings.resize(image.layers.size());
    for (qsizetype i = 0; i < image.layers.size(); ++i) {
        const Descriptor &layer = image.layers.at(i);
        if (isForeignLayer(layer.mediaType)) {
            m_files.notes.append(u"layer %1 (%2) is not served by registries (%3): skipped"_s.arg(
                    QString::number(i + 1), layer.digest, layer.mediaType));
            continue;
        }
        if (!isFilesystemLayer(layer.mediaType)) {
            return finish(
                    Error(ErrorCode::Unsupported,
                          u"layer %1 of %2 is %3, not a filesystem layer"_s.arg(
                                  QString::number(i + 1), m_files.reference, layer.mediaType)));
        }
        m_pending.append(int(i));
        m_bytesTotal += layer.size;
    }
    // Biggest last in the list, so first out: the long transfers overlap the short ones.
    std::sort(m_pending.begin(), m_pending.end(),
              [&image](int a, int b) { return image.layers.at(a).size < image.layers.at(b).size; });
    Q_EMIT progressed();
    pump();
}

void ImageFilesJob::pump()
{
    if (isFinished())
        return;
    while (!m_pending.isEmpty() && m_inFlight.size() < MaxConcurrent) {
        const int index = m_pending.takeLast();
        m_inFlight.insert(index, nullptr);
        if (m_cache)
            loadCached(index);
        else
            stream(index);
    }
    if (m_pending.isEmpty() && m_inFlight.isEmpty() && m_storing == 0)
        build();
}

void ImageFilesJob::loadCached(int index)
{
    // Decoding a listing of a few hundred thousand entries takes a moment: off the GUI thread.
    auto *watcher = new QFutureWatcher<std::optional<LayerListing>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, index] {
        std::optional<LayerListing> cached = watcher->result();
        watcher->deleteLater();
        if (cached)
            takeListing(index, std::move(*cached), false);
        else
            stream(index);
    });
    watcher->setFuture(
            QtConcurrent::run([cache = *m_cache, digest = m_files.image.layers.at(index).digest] {
                return cache.load(digest);
            }));
}

void ImageFilesJob::stream(int index)
{
    LayerProgress progress;
    auto *job = listLayer(m_backend, m_files.repository, m_files.image.layers.at(index), priority(),
                          this, &progress);
    m_inFlight.insert(index, progress);
    awaitJob(job, [this, index](const Result<LayerListing> &listing) {
        if (!listing)
            return finish(listing.error());
        takeListing(index, *listing, true);
    });
}

void ImageFilesJob::takeListing(int index, LayerListing listing, bool store)
{
    m_inFlight.remove(index);
    m_bytesListed += m_files.image.layers.at(index).size;
    m_entries += listing.entries.size();
    if (m_entries > MaxImageEntries) {
        return finish(Error(ErrorCode::TooLarge,
                            u"%1 has more than %2 entries in its layers (Berth reads at most "
                            "that many)"_s.arg(m_files.reference)
                                    .arg(MaxImageEntries)));
    }
    if (store && m_cache) {
        // Written off the GUI thread; the job ends only once it is on disk (a command line
        // exits right after).
        ++m_storing;
        auto *watcher = new QFutureWatcher<bool>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
            watcher->deleteLater();
            --m_storing;
            pump();
        });
        watcher->setFuture(
                QtConcurrent::run([cache = *m_cache, listing] { return cache.store(listing); }));
    }
    m_files.listings[index] = std::move(listing);
    Q_EMIT progressed();
    pump();
}

void ImageFilesJob::build()
{
    for (qsizetype i = 0; i < m_files.listings.size(); ++i) {
        for (const QString &warning : std::as_const(m_files.listings.at(i).warnings))
            m_files.notes.append(u"layer %1: %2"_s.arg(QString::number(i + 1), warning));
    }
    // Hundreds of thousands of paths: merged off the GUI thread.
    auto *watcher = new QFutureWatcher<ImageFilesystem>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        m_files.filesystem = watcher->result();
        watcher->deleteLater();
        finish(std::move(m_files));
    });
    watcher->setFuture(
            QtConcurrent::run([listings = m_files.listings] { return ImageFilesystem(listings); }));
}

} // namespace Berth
