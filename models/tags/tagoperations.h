#pragma once

#include "models/session/knownstate.h"
#include "net/core/job.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

namespace Berth {

class RegistryBackend;

//! What a retag did.
struct RetagResult
{
    QString digest; //!< the digest the new tag should point at (the source's, pinned first)
    //! What the registry says the new tag points at afterwards; empty when it could not say.
    QString verifiedDigest;
    //! Set when the tag was added but the registry could not confirm it points at digest
    //! (the check failed, or the tag points elsewhere): the operation itself went through.
    Error verification;
};

//! What a deletion of several tags did: some may go and others fail.
struct TagsDeleted
{
    QStringList deleted;
    QStringList failed;
    Error error; //!< the last failure, when any
};

//! Changes to tags and images, for the window and the command line alike: resolve, retag,
//! delete tags, delete images, find every tag of a digest. Registry-specific ways (Harbor's APIs,
//! the untag dance on a plain registry) are the backend's; what is decided here is the same for
//! every backend: pinning a source to its digest before tagging, verifying the result with the
//! registry, what "the tags of an image" means. Every call returns a job.
class TagOperations final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagOperations)
public:
    explicit TagOperations(RegistryBackend *backend, QObject *parent = nullptr);
    //! known: the disk cache's state of the registry; what is deleted is forgotten there, so an
    //! offline view never shows a deleted tag again.
    TagOperations(RegistryBackend *backend, const KnownState &known, QObject *parent = nullptr);

    //! tag -> digest of each tag (a HEAD each, Interactive). The first failure fails the job.
    ResultJob<QHash<QString, QString>> *resolveDigests(const QString &repository,
                                                       const QStringList &tags);
    //! Tags source (a tag or a digest) as newTag in targetRepository (empty = the same one):
    //! the source is pinned to its digest first, so the new tag carries exactly what was
    //! chosen even if someone pushes to the source tag meanwhile; then the registry is asked
    //! what the new tag points at.
    ResultJob<RetagResult> *retag(const QString &repository, const QString &source,
                                  const QString &targetRepository, const QString &newTag);
    //! Removes one tag; other tags of its image stay, on every backend. With expectedDigest, only
    //! while the tag still points at it (a tag moved since it was looked at is left alone).
    //! A removed tag is forgotten in the disk cache.
    ResultJob<void> *deleteTag(const QString &repository, const QString &tag,
                               const QString &expectedDigest = {});
    //! Removes tags side by side; the job succeeds with what went and what failed. A tag with an
    //! entry in expectedDigests goes only while it still points at that digest.
    ResultJob<TagsDeleted> *deleteTags(const QString &repository, const QStringList &tags,
                                       const QHash<QString, QString> &expectedDigests = {});
    //! Deletes the manifest by digest: every tag pointing at it goes with it, and every tag the
    //! disk cache knows on that digest is forgotten (also those nobody listed this time).
    ResultJob<void> *deleteImage(const QString &repository, const QString &digest);
    //! Every tag of repository that points at digest, asked of the server now: the whole tag
    //! list, then a HEAD per tag (a tag deleted meanwhile is simply not one of them). Sorted in
    //! natural order. An error's message says which step failed ("listing tags: ...",
    //! "resolving TAG: ...") and holds the cause's code name.
    ResultJob<QStringList> *tagsOfDigest(const QString &repository, const QString &digest);
    //! Every tag of repository with the digest it points at now, asked of the server: the
    //! listing, then a HEAD per tag (16 at a time). Errors as tagsOfDigest()'s.
    ResultJob<QHash<QString, QString>> *currentTags(const QString &repository);

private:
    void verifyRetag(Task<RetagResult> *task, const QString &target, const QString &newTag,
                     const QString &digest);

    QPointer<RegistryBackend> m_backend;
    KnownState m_known;
};

} // namespace Berth
