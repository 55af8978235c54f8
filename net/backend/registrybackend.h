#pragma once

#include "net/backend/pager.h"
#include "net/core/error.h"
#include "net/core/job.h"
#include "net/core/registryendpoint.h"
#include "net/core/tagquery.h"
#include "net/core/untaggedimage.h"
#include "net/formats/imagemetadata.h"
#include "net/formats/manifest.h"
#include "net/formats/tagextras.h"
#include "net/transport/bodysink.h"

#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace Berth {

class RequestScheduler;

//! What a caller of RegistryBackend::fetchMetadataFrom() already has or can look up itself, so
//! that nothing is fetched twice.
struct MetadataSources
{
    //! The manifest of the reference, already fetched (a GET by tag tells digest and body at
    //! once): not asked for again.
    std::optional<FetchedManifest> manifest;
    //! Where an index takes its children's metadata from: the caller's cache-aware lookup, which
    //! keeps each child as it arrives (an index assembly cancelled halfway is not paid for
    //! twice). Null: every child is fetched with the index.
    using ChildLookup
            = std::function<ResultJob<ImageMetadata> *(const QString &digest, Priority priority)>;
    ChildLookup children;
};

//! What Berth asks of any registry. The OCI backend speaks the Distribution API; the Harbor
//! backend (2.x and 1.x) implements the same calls with Harbor's API where it is better.
//! Every call returns a job (net/core/job.h) that finishes exactly once, from the event loop;
//! callers cancel or re-prioritise through it. Jobs are children of the backend.
class RegistryBackend : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual QString kindName() const = 0;     //!< "registry", "harbor"
    virtual QString registryHost() const = 0; //!< "127.0.0.1:5000"
    //! The server's own version for display ("Harbor v2.10.0"); empty when unknown.
    virtual QString serverVersion() const { return {}; }

    //! Checks reachability and credentials ("wrong password" is an error here, not later).
    virtual ResultJob<void> *connectToRegistry() = 0;

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
    virtual ResultJob<TagExtras> *fetchTagExtras(const QString &repository, const QString &tag,
                                                 Priority priority);

    //! A GET of a tag's manifest answers its digest in the round trip a HEAD would take (the
    //! Distribution API): the metadata service then asks for a tag it knows nothing of with
    //! one GET, not a HEAD and then a GET. False for a backend whose manifests are stand-ins.
    virtual bool resolvesTagsWithManifestGet() const { return false; }
    //! Tag -> digest, cheaply (HEAD).
    virtual ResultJob<TagDigest> *resolveTag(const QString &repository, const QString &tag,
                                             Priority priority)
            = 0;
    //! Full metadata of a tag or digest: manifest, config(s), index children. Not cached or
    //! shared here: MetadataService (models/) is the one place that does that.
    virtual ResultJob<ImageMetadata> *fetchMetadata(const QString &repository,
                                                    const QString &reference, Priority priority)
            = 0;
    //! fetchMetadata() with the caller's help (see MetadataSources). The default ignores it.
    virtual ResultJob<ImageMetadata> *fetchMetadataFrom(const QString &repository,
                                                        const QString &reference, Priority priority,
                                                        const MetadataSources &sources);
    //! The raw manifest (details pane, retag).
    virtual ResultJob<FetchedManifest> *fetchManifest(const QString &repository,
                                                      const QString &reference, Priority priority)
            = 0;

    //! Tags sourceReference's manifest as newTag in targetRepository (empty = same repository).
    //! The digest stays the same; across repositories blobs are mounted first. Returns digest.
    virtual ResultJob<QString> *addTag(const QString &repository, const QString &sourceReference,
                                       const QString &targetRepository, const QString &newTag)
            = 0;
    //! Removes one tag; other tags of the same digest stay. With expectedDigest, only while the
    //! tag still points at it: a tag that moved meanwhile is left alone (an error says so).
    virtual ResultJob<void> *deleteTag(const QString &repository, const QString &tag,
                                       const QString &expectedDigest)
            = 0;
    //! Deletes the manifest by digest: every tag pointing at it goes too.
    virtual ResultJob<void> *deleteImage(const QString &repository, const QString &digest) = 0;

    //! Stores manifest bytes under reference (a tag) through the registry API, as a push does;
    //! returns the digest the registry computed. Undoing a clean-up puts manifests back this way.
    virtual ResultJob<QString> *putManifest(const QString &repository, const QString &reference,
                                            const QByteArray &bytes, const QString &mediaType)
            = 0;
    //! Whether the repository still has the blob (a HEAD): a deleted image can be put back only
    //! while garbage collection has not taken its blobs.
    virtual ResultJob<bool> *blobExists(const QString &repository, const QString &digest) = 0;

    //! GET a blob (a layer) into sink as it arrives, optionally a byte range of it
    //! (RegistryClient::streamBlob). Unsupported where the server has no blob API.
    virtual ResultJob<StreamedBlob> *streamBlob(const QString &repository, const QString &digest,
                                                BodySink *sink, Priority priority,
                                                qint64 firstByte = 0, qint64 lastByte = -1);

    //! Whether untaggedImages() works here (Harbor 2.x; a plain registry cannot list them).
    virtual bool listsUntaggedImages() const { return false; }
    //! The repository's untagged images, every page; with digest, only that one if it is
    //! untagged (an empty list: tagged since, or gone). Unsupported where not listsUntaggedImages().
    virtual ResultJob<QList<UntaggedImage>> *untaggedImages(const QString &repository,
                                                            const QString &digest = {});

    //! The scheduler every request of this backend goes through (statistics, tests).
    virtual RequestScheduler *scheduler() const = 0;
};

} // namespace Berth
