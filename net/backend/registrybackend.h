#pragma once

#include "net/backend/pager.h"
#include "net/core/error.h"
#include "net/formats/harbortaginfo.h"
#include "net/formats/imagemetadata.h"
#include "net/oci/registryclient.h"

#include <QMetaObject>
#include <QObject>
#include <QString>

#include <functional>

namespace Berth {

struct TagDigest
{
    QString tag;
    QString digest;
    QString mediaType;
};

//! How a tag listing is asked for when the server can sort and filter itself (Harbor 2.x):
//! sorting 100,000 tags by push time then costs one page instead of a full crawl.
struct TagQuery
{
    enum class SortField { Name, PushTime };
    QString filterText; //!< tags containing this text (server-side fuzzy match); empty = all
    SortField sortField = SortField::Name;
    bool descending = false;

    //! Name order, ascending, no filter: what createTagPager(repository, parent) lists.
    bool isDefault() const
    {
        return filterText.isEmpty() && sortField == SortField::Name && !descending;
    }
    bool operator==(const TagQuery &) const = default;
};

//! What Berth asks of any registry. The OCI backend speaks the Distribution API; the Harbor
//! backend (2.x and 1.x) implements the same calls with Harbor's API where it is better.
//! Every call ends with exactly one callback on context.
class RegistryBackend : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    template<typename T>
    using Callback = std::function<void(Result<T>)>;

    virtual QString kindName() const = 0;     //!< "registry", "harbor"
    virtual QString registryHost() const = 0; //!< "127.0.0.1:5000"
    //! The server's own version for display ("Harbor v2.10.0"); empty when unknown.
    virtual QString serverVersion() const { return {}; }

    //! Checks reachability and credentials ("wrong password" is an error here, not later).
    virtual void connectToRegistry(QObject *context, Callback<void> done) = 0;

    //! Repositories whose name starts with prefix (empty = all), paged.
    virtual Pager *createRepositoryPager(const QString &prefix, QObject *parent) = 0;
    //! Tag names of a repository, paged.
    virtual Pager *createTagPager(const QString &repository, QObject *parent) = 0;

    //! True when createTagPager(repository, query, parent) sorts and filters on the server.
    virtual bool supportsServerSort() const { return false; }
    //! Tags listed in query's order and filter when supportsServerSort(); otherwise the plain
    //! listing (callers then sort and filter themselves).
    virtual Pager *createTagPager(const QString &repository, const TagQuery &query, QObject *parent)
    {
        Q_UNUSED(query)
        return createTagPager(repository, parent);
    }

    //! True when the server knows more about tags than the registry API (Harbor: pushed,
    //! pulled, labels, scan summary, immutability). Pagers of such a backend may also hand out
    //! extras with a page (Pager::extrasReady).
    virtual bool hasTagExtras() const { return false; }
    //! The extras of one tag (for visible rows a pager did not cover). Unsupported by default.
    virtual void fetchTagExtras(const QString &repository, const QString &tag,
                                const CallOptions &options, QObject *context,
                                Callback<HarborTagExtras> done)
    {
        Q_UNUSED(repository)
        Q_UNUSED(options)
        QMetaObject::invokeMethod(
                context,
                [done, tag] {
                    done(Error(ErrorCode::Unsupported,
                               QStringLiteral("this registry keeps no extra data for tag %1")
                                       .arg(tag)));
                },
                Qt::QueuedConnection);
    }

    //! Tag -> digest, cheaply (HEAD).
    virtual void resolveTag(const QString &repository, const QString &tag,
                            const CallOptions &options, QObject *context, Callback<TagDigest> done)
            = 0;
    //! Full metadata of a tag or digest: manifest, config(s), index children.
    virtual void fetchMetadata(const QString &repository, const QString &reference,
                               const CallOptions &options, QObject *context,
                               Callback<ImageMetadata> done)
            = 0;
    //! The raw manifest (details pane, retag).
    virtual void fetchManifest(const QString &repository, const QString &reference,
                               const CallOptions &options, QObject *context,
                               Callback<FetchedManifest> done)
            = 0;

    //! Tags sourceReference's manifest as newTag in targetRepository (empty = same repository).
    //! The digest stays the same; across repositories blobs are mounted first. Returns digest.
    virtual void addTag(const QString &repository, const QString &sourceReference,
                        const QString &targetRepository, const QString &newTag, QObject *context,
                        Callback<QString> done)
            = 0;
    //! Removes one tag; other tags of the same digest stay.
    virtual void deleteTag(const QString &repository, const QString &tag, QObject *context,
                           Callback<void> done)
            = 0;
    //! Deletes the manifest by digest: every tag pointing at it goes too.
    virtual void deleteImage(const QString &repository, const QString &digest, QObject *context,
                             Callback<void> done)
            = 0;

    //! Cancels every request of owner.
    virtual void cancel(OwnerId owner) = 0;
    virtual void setOwnerPriority(OwnerId owner, Priority priority) = 0;
    virtual RequestScheduler *scheduler() const = 0;
};

} // namespace Berth
