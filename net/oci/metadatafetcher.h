#pragma once

#include "net/formats/imagemetadata.h"
#include "net/oci/registryclient.h"

#include <QCache>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>

namespace Berth {

//! Assembles ImageMetadata from a manifest, its config and (for an index) its children.
//! A digest is the unit of work: concurrent requests for one digest (and for one config blob)
//! share a single request, and finished results are kept in a bounded LRU so tags that share a
//! digest cost one manifest GET each and nothing more.
class MetadataFetcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetadataFetcher)
public:
    using Done = std::function<void(Result<ImageMetadata>)>;

    explicit MetadataFetcher(RegistryClient *client, QObject *parent = nullptr);

    //! reference = tag or digest. done runs on context (skipped if it died), never synchronously.
    void fetch(const QString &repository, const QString &reference, const CallOptions &options,
               QObject *context, Done done);

    void setCacheCapacity(int entries);
    int cachedCount() const { return m_cache.count(); }
    void clearCache();

    //! Depth of index nesting followed: an index may list indexes, those may not.
    static constexpr int MaxIndexDepth = 2;

private:
    struct Waiter
    {
        QString repository;
        CallOptions options;
        QStringList ancestors;
        Done done;
    };
    struct Job
    {
        OwnerId owner = 0;
        QList<Waiter> waiters;
    };
    using ConfigDone = std::function<void(Result<ImageConfig>)>;
    struct ConfigJob
    {
        OwnerId owner = 0;
        QList<ConfigDone> waiters;
    };

    void fetchDigest(const QString &repository, const QString &digest, const CallOptions &options,
                     const QStringList &ancestors, Done done);
    //! Starts the job for digest unless it runs or is cached; true when the caller must start it.
    bool joinOrStart(const QString &repository, const QString &digest, const CallOptions &options,
                     const QStringList &ancestors, Done done);
    void finishJob(const QString &digest, const Result<ImageMetadata> &result, bool cacheable);
    void assemble(const QString &repository, const FetchedManifest &fetched,
                  const CallOptions &options, const QStringList &ancestors,
                  std::function<void(Result<ImageMetadata>, bool cacheable)> done);
    void assembleImage(const QString &repository, const FetchedManifest &fetched,
                       const CallOptions &options,
                       std::function<void(Result<ImageMetadata>, bool cacheable)> done);
    void assembleIndex(const QString &repository, const FetchedManifest &fetched,
                       const CallOptions &options, const QStringList &chain,
                       std::function<void(Result<ImageMetadata>, bool cacheable)> done);
    void fetchConfig(const QString &repository, const QString &digest, const CallOptions &options,
                     ConfigDone done);
    void startFromManifest(const QString &repository, const FetchedManifest &fetched,
                           const CallOptions &options, const QStringList &ancestors);

    RegistryClient *m_client;
    QHash<QString, Job> m_jobs;             //!< manifest digest -> callers waiting on it
    QHash<QString, ConfigJob> m_configJobs; //!< config digest -> callers waiting on it
    // 2,000 digests cover many screens of a tag table (and their platforms) for a few MB of
    // memory (a metadata entry with its config is a few KB); older entries live in the
    // persistent cache of the models layer, not here.
    QCache<QString, ImageMetadata> m_cache{2000};
    QCache<QString, ImageConfig> m_configCache{2000};
};

//! Errors of one index child that leave the rest of the index standing (the child is gone, or
//! broken); transport, auth and cancellation errors fail the whole request instead.
bool isToleratedChildError(const Error &error);

} // namespace Berth
