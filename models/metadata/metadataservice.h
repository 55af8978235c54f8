#pragma once

#include "models/metadata/metadatacache.h"
#include "net/core/error.h"
#include "net/formats/imagemetadata.h"
#include "net/transport/requestscheduler.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace Berth {

class RegistryBackend;

//! Tag -> digest -> metadata, for the tag table and for reports alike. A digest is the unit of
//! work and of caching: tags sharing one cost one metadata fetch, and what was fetched once
//! (in this process or an earlier one, through MetadataCache) is never fetched again. Only
//! tag -> digest is asked of the network for known images (HEAD).
class MetadataService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetadataService)
public:
    using RequestId = quint64;
    using MetadataPtr = std::shared_ptr<const ImageMetadata>;

    struct TagMetadata
    {
        QString tag;
        QString digest;
        MetadataPtr metadata;
    };
    using Callback = std::function<void(Result<TagMetadata>)>;

    //! cache may be null (no persistence).
    MetadataService(RegistryBackend *backend, MetadataCache *cache, QObject *parent = nullptr);
    ~MetadataService() override;

    RegistryBackend *backend() const { return m_backend; }
    MetadataCache *cache() const { return m_cache; }

    //! Resolves tag (HEAD), then its digest's metadata (memory, disk cache, network). done runs
    //! exactly once on context unless the request is cancelled first (then never).
    RequestId request(const QString &repository, const QString &tag, Priority priority,
                      QObject *context, Callback done);
    void cancel(RequestId id);
    void setPriority(RequestId id, Priority priority);
    //! Cancels everything in flight.
    void cancelAll();

    //! Known metadata of a digest without any network: memory first, then the disk cache.
    MetadataPtr knownMetadata(const QString &digest);
    //! Last known tag -> digest of a repository from the disk cache (offline view, instant fill).
    QHash<QString, QString> knownTags(const QString &repository) const;

    int inFlight() const { return int(m_requests.size()); }
    //! Metadata fetches (per digest) started since construction; tests and status lines.
    quint64 metadataFetches() const { return m_metadataFetches; }

Q_SIGNALS:
    void inFlightChanged(int count);

private:
    struct Request
    {
        RequestId id = 0;
        QString repository;
        QString tag;
        Priority priority = Priority::Visible;
        QPointer<QObject> context;
        bool hasContext = false;
        Callback done;
        OwnerId owner = 0; //!< the HEAD's owner
        QString digest;    //!< set once resolved; the request then waits on m_digestFetches
    };
    struct DigestFetch
    {
        OwnerId owner = 0;
        QList<RequestId> waiters;
    };

    void onResolved(RequestId id, const Result<QString> &digest);
    void fetchDigest(const QString &repository, const QString &digest, Priority priority);
    void onDigestFetched(const QString &digest, const Result<ImageMetadata> &result);
    void complete(RequestId id, const Result<TagMetadata> &result);
    void remember(const QString &digest, const MetadataPtr &metadata);

    RegistryBackend *m_backend;
    QPointer<MetadataCache> m_cache;
    QHash<RequestId, Request> m_requests;
    QHash<QString, DigestFetch> m_digestFetches;
    //! Recently used metadata by digest. Bounded: the table asks again for what scrolled away
    //! and the disk cache answers that cheaply; 4,096 images is far more than a screen.
    struct Remembered
    {
        MetadataPtr metadata;
        quint64 lastUse = 0;
    };
    QHash<QString, Remembered> m_memory;
    quint64 m_useClock = 0;
    RequestId m_nextId = 1;
    quint64 m_metadataFetches = 0;
};

} // namespace Berth
