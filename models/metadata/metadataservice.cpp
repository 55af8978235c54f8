#include "models/metadata/metadataservice.h"

#include "models/metadata/metadatacache.h"
#include "models/modelslogging.h"

#include "net/backend/registrybackend.h"
#include "net/core/digest.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// See m_memory: a few thousand images cover many screens; the disk cache holds the rest.
constexpr qsizetype MemoryCapacity = 4096;
// Extras of a few pages of Harbor listings (100 tags a page): several screens of a table.
constexpr qsizetype ExtrasCapacity = 4096;
// Manifests wait here only until their image is complete (then m_memory and the disk cache
// hold it); a few screens' worth covers the rows cancelled while scrolling.
constexpr qsizetype ManifestCapacity = 1024;

//! Evicts the least recently used half of a map over capacity in one pass: O(n log n) once per
//! capacity/2 insertions instead of bookkeeping an order list on every read.
template<typename Map>
void evictHalf(Map &map, qsizetype capacity)
{
    if (map.size() <= capacity)
        return;
    QList<quint64> uses;
    uses.reserve(map.size());
    for (const auto &entry : std::as_const(map))
        uses.append(entry.lastUse);
    std::nth_element(uses.begin(), uses.begin() + uses.size() / 2, uses.end());
    const quint64 threshold = uses.at(uses.size() / 2);
    map.removeIf([threshold](const auto &entry) { return entry.value().lastUse < threshold; });
}

bool isDigestReference(const QString &reference)
{
    return reference.contains(u':');
}

} // namespace

MetadataService::MetadataService(RegistryBackend *backend, MetadataCache *cache, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_cache(cache)
{}

MetadataService::~MetadataService() = default;

RegistryBackend *MetadataService::backend() const
{
    return m_backend;
}

QString MetadataService::registryHost() const
{
    return m_backend ? m_backend->registryHost() : QString();
}

bool MetadataService::listsUntaggedImages() const
{
    return m_backend && m_backend->listsUntaggedImages();
}

bool MetadataService::hasTagExtras() const
{
    return m_backend && m_backend->hasTagExtras();
}

ResultJob<MetadataService::TagMetadata> *
MetadataService::metadata(const QString &repository, const QString &reference, Priority priority)
{
    if (!m_backend) {
        return failedJob<TagMetadata>(
                Error(ErrorCode::Cancelled, u"the registry session is closed"_s), this);
    }
    auto *task = new Task<TagMetadata>(priority, this);
    ++m_inFlight;
    connect(task, &Job::finished, this, [this] { --m_inFlight; });
    if (isDigestReference(reference)) {
        lookUpDigest(task, repository, {}, reference);
        return task;
    }
    const bool knownTag
            = m_cache && m_cache->tag(registryHost(), repository, reference).has_value();
    if (!knownTag && m_backend->resolvesTagsWithManifestGet()) {
        // Nothing to revalidate: the manifest GET answers digest and body at once, where a
        // HEAD would need a GET after it (three round trips to a config instead of two).
        task->await(m_backend->fetchManifest(repository, reference, priority),
                    [this, task, repository, reference](const Result<FetchedManifest> &fetched) {
                        if (!fetched.ok()) {
                            task->fail(fetched.error());
                            return;
                        }
                        if (m_cache) {
                            m_cache->storeTag(registryHost(), repository, reference,
                                              fetched->digest, QDateTime::currentDateTimeUtc());
                        }
                        if (!m_memory.contains(fetched->digest))
                            rememberManifest(*fetched);
                        lookUpDigest(task, repository, reference, fetched->digest);
                    });
        return task;
    }
    task->await(m_backend->resolveTag(repository, reference, priority),
                [this, task, repository, reference](const Result<TagDigest> &resolved) {
                    if (!resolved.ok()) {
                        task->fail(resolved.error());
                        return;
                    }
                    if (m_cache) {
                        m_cache->storeTag(registryHost(), repository, reference, resolved->digest,
                                          QDateTime::currentDateTimeUtc());
                    }
                    lookUpDigest(task, repository, reference, resolved->digest);
                });
    return task;
}

void MetadataService::lookUpDigest(Task<TagMetadata> *task, const QString &repository,
                                   const QString &tag, const QString &digest)
{
    if (MetadataPtr known = knownMetadata(digest)) {
        task->finish(TagMetadata{tag, digest, known});
        return;
    }
    const auto start = [this, repository, digest](Priority priority) {
        return fetchDigest(repository, digest, priority);
    };
    task->await(m_sharedDigests.join(digest, task->priority(), start),
                [task, tag, digest](const Result<MetadataPtr> &fetched) {
                    if (!fetched.ok())
                        task->fail(fetched.error());
                    else
                        task->finish(TagMetadata{tag, digest, *fetched});
                });
}

ResultJob<MetadataService::MetadataPtr> *MetadataService::fetchDigest(const QString &repository,
                                                                      const QString &digest,
                                                                      Priority priority,
                                                                      bool asChild)
{
    ++m_metadataFetches;
    auto *task = new Task<MetadataPtr>(priority, this);
    MetadataSources sources;
    if (const auto it = m_manifests.find(digest); it != m_manifests.end())
        sources.manifest = it->manifest;
    if (!asChild) {
        sources.children = [this, repository](const QString &child, Priority childPriority) {
            return childMetadata(repository, child, childPriority);
        };
    }
    task->await(m_backend->fetchMetadataFrom(repository, digest, priority, sources),
                [this, task, digest](const Result<ImageMetadata> &fetched) {
                    if (!fetched.ok()) {
                        task->fail(fetched.error());
                        return;
                    }
                    auto metadata = std::make_shared<const ImageMetadata>(*fetched);
                    // Metadata of a digest never changes; a result with warnings (a platform
                    // that failed) is not kept, so a later look can recover.
                    if (metadata->warnings.isEmpty()) {
                        m_manifests.remove(digest);
                        remember(digest, metadata);
                        if (m_cache)
                            m_cache->storeMetadata(*metadata);
                    }
                    task->finish(metadata);
                });
    return task;
}

ResultJob<ImageMetadata> *MetadataService::childMetadata(const QString &repository,
                                                         const QString &digest, Priority priority)
{
    if (MetadataPtr known = knownMetadata(digest))
        return finishedJob<ImageMetadata>(*known, this);
    auto *task = new Task<ImageMetadata>(priority, this);
    const auto start = [this, repository, digest](Priority startPriority) {
        return fetchDigest(repository, digest, startPriority, true);
    };
    // Shared among children only: a child joining a top-level fetch of the same digest could
    // wait on the index that waits on it (two tags of a hostile registry, indexes listing each
    // other); children's fetches never wait on anything shared.
    task->await(m_sharedDigests.join(u"child "_s + digest, priority, start),
                [task](const Result<MetadataPtr> &fetched) {
                    if (!fetched.ok())
                        task->fail(fetched.error());
                    else
                        task->finish(**fetched);
                });
    return task;
}

void MetadataService::rememberManifest(const FetchedManifest &manifest)
{
    m_manifests.insert(manifest.digest, RememberedManifest{manifest, ++m_useClock});
    evictHalf(m_manifests, ManifestCapacity);
}

ResultJob<FetchedManifest> *MetadataService::manifest(const QString &repository,
                                                      const QString &reference, Priority priority)
{
    if (!m_backend) {
        return failedJob<FetchedManifest>(
                Error(ErrorCode::Cancelled, u"the registry session is closed"_s), this);
    }
    return m_backend->fetchManifest(repository, reference, priority);
}

QString MetadataService::extrasKey(const QString &repository, const QString &tag)
{
    return repository + u'\n' + tag;
}

ResultJob<TagExtras> *MetadataService::tagExtras(const QString &repository, const QString &tag,
                                                 Priority priority)
{
    const QString key = extrasKey(repository, tag);
    if (const auto it = m_extras.find(key); it != m_extras.end()) {
        it->lastUse = ++m_useClock;
        return finishedJob<TagExtras>(it->extras, this);
    }
    if (!m_backend) {
        return failedJob<TagExtras>(
                Error(ErrorCode::Cancelled, u"the registry session is closed"_s), this);
    }
    const auto start = [this, repository, tag, key](Priority startPriority) {
        ++m_extrasFetches;
        auto *task = new Task<TagExtras>(startPriority, this);
        task->await(m_backend->fetchTagExtras(repository, tag, startPriority),
                    [this, task, key](const Result<TagExtras> &extras) {
                        if (extras.ok())
                            rememberExtra(key, *extras);
                        task->finish(extras);
                    });
        return task;
    };
    return m_sharedExtras.join(key, priority, start);
}

void MetadataService::rememberExtras(const QString &repository,
                                     const QHash<QString, TagExtras> &extras)
{
    for (auto it = extras.cbegin(); it != extras.cend(); ++it)
        rememberExtra(extrasKey(repository, it.key()), it.value());
}

void MetadataService::rememberExtra(const QString &key, const TagExtras &extras)
{
    m_extras.insert(key, RememberedExtras{extras, ++m_useClock});
    evictHalf(m_extras, ExtrasCapacity);
}

void MetadataService::forgetExtras(const QString &repository)
{
    const QString prefix = repository + u'\n';
    m_extras.removeIf([&prefix](const auto &entry) { return entry.key().startsWith(prefix); });
}

MetadataService::MetadataPtr MetadataService::knownMetadata(const QString &digest)
{
    const auto it = m_memory.find(digest);
    if (it != m_memory.end()) {
        it->lastUse = ++m_useClock;
        return it->metadata;
    }
    if (!m_cache)
        return {};
    const std::optional<ImageMetadata> stored = m_cache->metadata(digest);
    if (!stored)
        return {};
    auto metadata = std::make_shared<const ImageMetadata>(*stored);
    remember(digest, metadata);
    return metadata;
}

QHash<QString, QString> MetadataService::knownTags(const QString &repository) const
{
    QHash<QString, QString> tags;
    if (!m_cache)
        return tags;
    const auto records = m_cache->tagsOf(registryHost(), repository);
    for (auto it = records.cbegin(); it != records.cend(); ++it)
        tags.insert(it.key(), it->digest);
    return tags;
}

QDateTime MetadataService::knownTagsVerifiedAt(const QString &repository) const
{
    return m_cache ? m_cache->lastVerified(registryHost(), repository) : QDateTime();
}

void MetadataService::remember(const QString &digest, const MetadataPtr &metadata)
{
    m_memory.insert(digest, Remembered{metadata, ++m_useClock});
    evictHalf(m_memory, MemoryCapacity);
}

} // namespace Berth
