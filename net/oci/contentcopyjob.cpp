#include "net/oci/contentcopyjob.h"

#include "net/core/digest.h"
#include "net/oci/metadatajob.h"
#include "net/oci/registryclient.h"

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

bool isForeignLayer(const Descriptor &layer)
{
    // Windows base layers live outside the registry and cannot be mounted or copied.
    return layer.mediaType.contains(u"foreign"_s)
           || layer.mediaType.contains(u"nondistributable"_s);
}

} // namespace

ContentCopyJob::ContentCopyJob(RegistryClient *client, const QString &sourceRepository,
                               const QString &targetRepository, const Manifest &manifest, int depth,
                               QObject *parent)
    : ResultJob<void>(Priority::Interactive, parent)
    , m_client(client)
    , m_source(sourceRepository)
    , m_target(targetRepository)
{
    if (manifest.kind != ManifestKind::Index)
        copyBlobs(manifest);
    else
        copyChildren(manifest, depth);
}

void ContentCopyJob::partDone(const Error &error)
{
    if (error.isError()) {
        finish(error); // the parts still running are cancelled with the job
        return;
    }
    if (--m_remaining == 0) {
        finish(Result<void>());
        return;
    }
    if (!m_children.isEmpty())
        copyChild(m_children.takeFirst(), m_childDepth);
}

void ContentCopyJob::copyBlobs(const Manifest &manifest)
{
    QList<Descriptor> blobs;
    if (Digest::isValid(manifest.config.digest))
        blobs.append(manifest.config);
    for (const Descriptor &layer : manifest.layers) {
        if (!isForeignLayer(layer))
            blobs.append(layer);
    }
    m_remaining = blobs.size();
    if (blobs.isEmpty()) {
        finish(Result<void>());
        return;
    }
    for (const Descriptor &blob : std::as_const(blobs))
        copyBlob(blob);
}

void ContentCopyJob::copyBlob(const Descriptor &blob)
{
    awaitJob(m_client->mountBlob(m_target, blob.digest, m_source),
             [this, blob](const Result<bool> &mounted) { onMounted(blob, mounted); });
}

void ContentCopyJob::onMounted(const Descriptor &blob, const Result<bool> &mounted)
{
    if (!mounted.ok() || *mounted) {
        partDone(mounted.ok() ? Error() : mounted.error());
        return;
    }
    if (blob.size > MaxCopiedBlobBytes) {
        partDone(Error(ErrorCode::TooLarge,
                       u"the registry refused to mount %1 (%2 bytes) into %3 and it is too large "
                       u"to copy through Berth"_s.arg(Digest::shortForm(blob.digest))
                               .arg(blob.size)
                               .arg(m_target)));
        return;
    }
    awaitJob(m_client->getBlob(m_source, blob.digest, MaxCopiedBlobBytes, priority(), blob.size),
             [this](const Result<QByteArray> &bytes) {
                 if (!bytes.ok())
                     partDone(bytes.error());
                 else
                     uploadBlob(*bytes);
             });
}

void ContentCopyJob::uploadBlob(const QByteArray &bytes)
{
    awaitJob(m_client->uploadBlob(m_target, bytes, priority()),
             [this](const Result<QString> &uploaded) {
                 partDone(uploaded.ok() ? Error() : uploaded.error());
             });
}

void ContentCopyJob::copyChildren(const Manifest &index, int depth)
{
    if (depth >= MetadataJob::MaxIndexDepth + 1) {
        finish(Error(ErrorCode::TooLarge,
                     u"indexes nested more than %1 levels deep are not copied"_s.arg(
                             MetadataJob::MaxIndexDepth)));
        return;
    }
    // Children first: an index may only be stored once everything it lists is present. One at
    // a time (see the class comment); partDone() starts the next.
    m_remaining = index.manifests.size();
    if (index.manifests.isEmpty()) {
        finish(Result<void>());
        return;
    }
    m_children = index.manifests;
    m_childDepth = depth;
    copyChild(m_children.takeFirst(), depth);
}

void ContentCopyJob::copyChild(const Descriptor &child, int depth)
{
    awaitJob(m_client->getManifest(m_source, child.digest, priority()),
             [this, depth](const Result<FetchedManifest> &fetched) {
                 onChildManifest(fetched, depth);
             });
}

void ContentCopyJob::onChildManifest(const Result<FetchedManifest> &fetched, int depth)
{
    if (!fetched.ok()) {
        partDone(fetched.error());
        return;
    }
    const FetchedManifest child = *fetched;
    awaitJob(new ContentCopyJob(m_client, m_source, m_target, child.manifest, depth + 1, this),
             [this, child](const Result<void> &copied) {
                 if (!copied.ok())
                     partDone(copied.error());
                 else
                     storeChild(child);
             });
}

void ContentCopyJob::storeChild(const FetchedManifest &child)
{
    awaitJob(m_client->putManifest(m_target, child.digest, child.bytes, child.mediaType),
             [this](const Result<QString> &stored) {
                 partDone(stored.ok() ? Error() : stored.error());
             });
}

} // namespace Berth
