#pragma once

#include "models/metadata/sharedfetches.h"

#include "net/core/error.h"
#include "net/core/job.h"
#include "net/formats/imagemetadata.h"
#include "net/formats/manifest.h"
#include "net/formats/tagextras.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <memory>

namespace Berth {

class MetadataCache;
class RegistryBackend;

//! The one metadata path: the tag table, its updater, the details pane, reports and the command
//! line all ask here, and this is the only layer that deduplicates and caches.
//!
//! Tag -> digest -> metadata. A digest is the unit of work and of caching: tags sharing one cost
//! one metadata fetch, and what was fetched once (in this process or an earlier one, through
//! MetadataCache) is never fetched again; only tag -> digest is asked of the network for known
//! images (a HEAD). Callers asking for the same digest (or the same tag's extras) at once share
//! one fetch (SharedFetches). Every call returns a job (net/core/job.h).
class MetadataService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetadataService)
public:
    using MetadataPtr = std::shared_ptr<const ImageMetadata>;

    struct TagMetadata
    {
        QString tag; //!< empty when asked by digest
        QString digest;
        MetadataPtr metadata;
    };

    //! cache may be null (no persistence: the command line).
    MetadataService(RegistryBackend *backend, MetadataCache *cache, QObject *parent = nullptr);
    ~MetadataService() override;

    //! The registry's backend: models list tags through its pagers.
    RegistryBackend *backend() const;
    //! "127.0.0.1:5000": the registry the cache keys tags under.
    QString registryHost() const;
    //! The registry keeps extras per tag (Harbor): tagExtras() can answer.
    bool hasTagExtras() const;
    //! The backend can list a repository's untagged images (Harbor 2.x): a clean-up may offer them.
    bool listsUntaggedImages() const;

    //! The metadata of a tag or of a digest: memory, then the disk cache, then the network. A tag
    //! the disk cache knows is revalidated with a HEAD (its image is then usually known); a tag
    //! it does not know is asked for with a GET of its manifest, which tells digest and body in
    //! one round trip. Then by digest: the manifest (unless in hand), the config, an index's
    //! children (each kept as it arrives). A result with warnings (a platform missing) is handed
    //! out but not kept, so a later look can recover.
    ResultJob<TagMetadata> *metadata(const QString &repository, const QString &reference,
                                     Priority priority);
    //! The raw manifest of a tag or digest (the details pane shows it as sent).
    ResultJob<FetchedManifest> *manifest(const QString &repository, const QString &reference,
                                         Priority priority);
    //! A tag's extras (Harbor: pushed, pulled, labels, scan summary): from memory when a listing
    //! page brought them (rememberExtras()) or an earlier call fetched them, else the server.
    ResultJob<TagExtras> *tagExtras(const QString &repository, const QString &tag,
                                    Priority priority);
    //! Extras a listing page brought along (Pager::extrasReady).
    void rememberExtras(const QString &repository, const QHash<QString, TagExtras> &extras);
    //! Drops what is remembered of a repository's extras (a listing starts over).
    void forgetExtras(const QString &repository);

    //! Known metadata of a digest without any network: memory first, then the disk cache.
    MetadataPtr knownMetadata(const QString &digest);
    //! Last known tag -> digest of a repository from the disk cache (offline view, instant fill).
    QHash<QString, QString> knownTags(const QString &repository) const;
    //! When the disk cache last confirmed any tag of repository with the registry; invalid when
    //! it knows none.
    QDateTime knownTagsVerifiedAt(const QString &repository) const;

    //! metadata() jobs running now.
    int inFlight() const { return m_inFlight; }
    //! Metadata fetches (per digest) started since construction; tests and status lines.
    quint64 metadataFetches() const { return m_metadataFetches; }
    //! Extras fetched from the server (not from memory) since construction.
    quint64 extrasFetches() const { return m_extrasFetches; }

private:
    //! After tag -> digest: memory, disk, or the (shared) fetch of the digest.
    void lookUpDigest(Task<TagMetadata> *task, const QString &repository, const QString &tag,
                      const QString &digest);
    //! The shared fetch of a digest: the backend's metadata, kept when complete. An index's
    //! children come through childMetadata() unless asChild (a child's own children are fetched
    //! with it, where the backend bounds nesting and refuses loops).
    ResultJob<MetadataPtr> *fetchDigest(const QString &repository, const QString &digest,
                                        Priority priority, bool asChild = false);
    //! An index's child, for MetadataSources::children: known, or the shared fetch of it.
    ResultJob<ImageMetadata> *childMetadata(const QString &repository, const QString &digest,
                                            Priority priority);
    void rememberManifest(const FetchedManifest &manifest);
    void remember(const QString &digest, const MetadataPtr &metadata);
    void rememberExtra(const QString &key, const TagExtras &extras);
    static QString extrasKey(const QString &repository, const QString &tag);

    QPointer<RegistryBackend> m_backend;
    QPointer<MetadataCache> m_cache;
    SharedFetches<MetadataPtr> m_sharedDigests{this};
    SharedFetches<TagExtras> m_sharedExtras{this};

    //! Recently used metadata by digest. Bounded: the table asks again for what scrolled away
    //! and the disk cache answers that cheaply; 4,096 images is far more than a screen.
    struct Remembered
    {
        MetadataPtr metadata;
        quint64 lastUse = 0;
    };
    QHash<QString, Remembered> m_memory;
    //! Manifests fetched whose metadata is not complete yet (a GET by tag, a fetch cancelled
    //! before its config arrived): the next look starts from them instead of asking again.
    struct RememberedManifest
    {
        FetchedManifest manifest;
        quint64 lastUse = 0;
    };
    QHash<QString, RememberedManifest> m_manifests;
    //! Extras by "repository\ntag": a listing page's worth per page the table showed, bounded
    //! like m_memory (the report keeps its own, see ReportJob).
    struct RememberedExtras
    {
        TagExtras extras;
        quint64 lastUse = 0;
    };
    QHash<QString, RememberedExtras> m_extras;
    quint64 m_useClock = 0;
    int m_inFlight = 0;
    quint64 m_metadataFetches = 0;
    quint64 m_extrasFetches = 0;
};

} // namespace Berth
