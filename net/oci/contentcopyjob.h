#pragma once

#include "net/core/job.h"
#include "net/formats/manifest.h"

#include <QPointer>
#include <QString>

namespace Berth {

class RegistryClient;

//! Makes everything a manifest refers to present in another repository of the same registry,
//! before the manifest itself is PUT there:
//! - an image: its config and layers (foreign layers excepted), each mounted from the source
//!   repository, or fetched and uploaded when the registry refuses the mount;
//! - an index: each child manifest, its own content first (a ContentCopyJob of its own), then
//!   the child itself PUT by digest.
//! An image's blobs are copied side by side; an index's children one after another, because
//! children share blobs (a base layer, attestations' configs) and Distribution's filesystem
//! driver writes a blob's link in place: two mounts of one blob at once can let a manifest PUT
//! read a half-written link (MANIFEST_BLOB_UNKNOWN, seen once in tst_ocibackend). The first
//! failure ends the job.
class ContentCopyJob final : public ResultJob<void>
{
    Q_DISABLE_COPY_MOVE(ContentCopyJob)
public:
    //! depth: 1 for the manifest being tagged; indexes nested deeper than
    //! MetadataJob::MaxIndexDepth are refused.
    ContentCopyJob(RegistryClient *client, const QString &sourceRepository,
                   const QString &targetRepository, const Manifest &manifest, int depth,
                   QObject *parent);

    //! Copying a blob through memory (when a mount is refused) is capped: a refused mount of
    //! a multi-GB layer fails with TooLarge instead of exhausting memory. Mounts within one
    //! registry almost always succeed.
    static constexpr qint64 MaxCopiedBlobBytes = 512 * 1024 * 1024;

private:
    void copyBlobs(const Manifest &manifest);
    void copyBlob(const Descriptor &blob);
    void onMounted(const Descriptor &blob, const Result<bool> &mounted);
    void uploadBlob(const QByteArray &bytes);

    void copyChildren(const Manifest &index, int depth);
    void copyChild(const Descriptor &child, int depth);
    void onChildManifest(const Result<FetchedManifest> &fetched, int depth);
    void storeChild(const FetchedManifest &child);

    //! One blob or child is done; the job ends when all are (or at the first error).
    void partDone(const Error &error);

    QPointer<RegistryClient> m_client;
    QString m_source;
    QString m_target;
    qsizetype m_remaining = 0;
    //! An index's children still to copy, in order, and the depth they are copied at.
    QList<Descriptor> m_children;
    int m_childDepth = 0;
};

} // namespace Berth
