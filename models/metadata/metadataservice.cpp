#include "models/metadata/metadataservice.h"

#include "models/metadata/metadatacache.h"
#include "models/modelslogging.h"

#include "net/backend/registrybackend.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

// See m_memory: a few thousand images cover many screens; the disk cache holds the rest.
static constexpr qsizetype MemoryCapacity = 4096;

MetadataService::MetadataService(RegistryBackend *backend, MetadataCache *cache, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_cache(cache)
{}

MetadataService::~MetadataService()
{
    cancelAll();
}

MetadataService::RequestId MetadataService::request(const QString &repository, const QString &tag,
                                                    Priority priority, QObject *context,
                                                    Callback done)
{
    Request request;
    request.id = m_nextId++;
    request.repository = repository;
    request.tag = tag;
    request.priority = priority;
    request.context = context;
    request.hasContext = context != nullptr;
    request.done = std::move(done);
    request.owner = newOwnerId();
    const RequestId id = request.id;
    const OwnerId owner = request.owner;
    m_requests.insert(id, std::move(request));
    Q_EMIT inFlightChanged(inFlight());

    CallOptions options;
    options.priority = priority;
    options.owner = owner;
    m_backend->resolveTag(repository, tag, options, this, [this, id](Result<TagDigest> result) {
        if (!result)
            return onResolved(id, result.error());
        onResolved(id, result->digest);
    });
    return id;
}

void MetadataService::onResolved(RequestId id, const Result<QString> &digest)
{
    auto it = m_requests.find(id);
    if (it == m_requests.end())
        return; // cancelled meanwhile
    if (!digest)
        return complete(id, digest.error());

    Request &request = *it;
    request.digest = *digest;
    if (m_cache)
        m_cache->storeTag(m_backend->registryHost(), request.repository, request.tag, *digest,
                          QDateTime::currentDateTimeUtc());
    if (MetadataPtr known = knownMetadata(*digest))
        return complete(id, TagMetadata{request.tag, *digest, known});

    auto fetch = m_digestFetches.find(*digest);
    if (fetch != m_digestFetches.end()) {
        fetch->waiters.append(id);
        // A visible row waiting on a background fetch lifts that fetch's priority.
        if (request.priority > Priority::Background)
            m_backend->setOwnerPriority(fetch->owner, request.priority);
        return;
    }
    const QString repository = request.repository;
    const Priority priority = request.priority;
    m_digestFetches.insert(*digest, DigestFetch{newOwnerId(), {id}});
    fetchDigest(repository, *digest, priority);
}

void MetadataService::fetchDigest(const QString &repository, const QString &digest,
                                  Priority priority)
{
    ++m_metadataFetches;
    CallOptions options;
    options.priority = priority;
    options.owner = m_digestFetches.value(digest).owner;
    m_backend->fetchMetadata(
            repository, digest, options, this,
            [this, digest](Result<ImageMetadata> result) { onDigestFetched(digest, result); });
}

void MetadataService::onDigestFetched(const QString &digest, const Result<ImageMetadata> &result)
{
    const DigestFetch fetch = m_digestFetches.take(digest);
    if (fetch.waiters.isEmpty())
        return; // every waiter was cancelled
    if (!result) {
        for (RequestId id : fetch.waiters)
            complete(id, result.error());
        return;
    }
    auto metadata = std::make_shared<const ImageMetadata>(*result);
    remember(digest, metadata);
    if (m_cache)
        m_cache->storeMetadata(*metadata);
    for (RequestId id : fetch.waiters) {
        const auto it = m_requests.constFind(id);
        if (it != m_requests.cend())
            complete(id, TagMetadata{it->tag, digest, metadata});
    }
}

void MetadataService::complete(RequestId id, const Result<TagMetadata> &result)
{
    Request request = m_requests.take(id);
    if (!request.id)
        return;
    Q_EMIT inFlightChanged(inFlight());
    if (request.hasContext && !request.context)
        return;
    request.done(result);
}

void MetadataService::cancel(RequestId id)
{
    const auto it = m_requests.find(id);
    if (it == m_requests.end())
        return;
    const Request request = *it;
    m_requests.erase(it);
    if (request.digest.isEmpty()) {
        m_backend->cancel(request.owner);
    } else {
        auto fetch = m_digestFetches.find(request.digest);
        if (fetch != m_digestFetches.end()) {
            fetch->waiters.removeAll(id);
            // The fetch stops only when nobody waits on it any more; a sibling tag still does.
            if (fetch->waiters.isEmpty()) {
                const OwnerId owner = fetch->owner;
                m_digestFetches.erase(fetch);
                m_backend->cancel(owner);
            }
        }
    }
    Q_EMIT inFlightChanged(inFlight());
}

void MetadataService::setPriority(RequestId id, Priority priority)
{
    const auto it = m_requests.find(id);
    if (it == m_requests.end() || it->priority == priority)
        return;
    it->priority = priority;
    if (it->digest.isEmpty()) {
        m_backend->setOwnerPriority(it->owner, priority);
        return;
    }
    const auto fetch = m_digestFetches.constFind(it->digest);
    if (fetch == m_digestFetches.cend())
        return;
    // A shared fetch runs at the highest priority of its waiters.
    Priority highest = Priority::Background;
    for (RequestId waiter : fetch->waiters)
        highest = std::max(highest, m_requests.value(waiter).priority);
    m_backend->setOwnerPriority(fetch->owner, highest);
}

void MetadataService::cancelAll()
{
    const auto ids = m_requests.keys();
    for (RequestId id : ids)
        cancel(id);
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
    const auto records = m_cache->tagsOf(m_backend->registryHost(), repository);
    for (auto it = records.cbegin(); it != records.cend(); ++it)
        tags.insert(it.key(), it->digest);
    return tags;
}

void MetadataService::remember(const QString &digest, const MetadataPtr &metadata)
{
    m_memory.insert(digest, Remembered{metadata, ++m_useClock});
    if (m_memory.size() <= MemoryCapacity)
        return;
    // Evict the least recently used half in one pass: O(n log n) once per MemoryCapacity/2
    // insertions instead of bookkeeping an order list on every read.
    QList<quint64> uses;
    uses.reserve(m_memory.size());
    for (const Remembered &entry : std::as_const(m_memory))
        uses.append(entry.lastUse);
    std::nth_element(uses.begin(), uses.begin() + uses.size() / 2, uses.end());
    const quint64 threshold = uses.at(uses.size() / 2);
    m_memory.removeIf([threshold](const auto &entry) { return entry.value().lastUse < threshold; });
}

} // namespace Berth
