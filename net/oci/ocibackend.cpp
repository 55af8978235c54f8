#include "net/oci/ocibackend.h"

#include "net/core/imagereference.h"
#include "net/core/servertext.h"
#include "net/oci/metadatajob.h"
#include "net/oci/ocirepositorypager.h"
#include "net/oci/ocitagpager.h"
#include "net/oci/registryclient.h"
#include "net/oci/tagcopyjob.h"
#include "net/oci/untagjob.h"

using namespace Qt::StringLiterals;

namespace Berth {

OciBackend::OciBackend(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                       QObject *parent)
    : RegistryBackend(parent)
    , m_client(new RegistryClient(endpoint, scheduler, this))
{}

QString OciBackend::registryHost() const
{
    return m_client->endpoint().host;
}

ResultJob<void> *OciBackend::connectToRegistry()
{
    return m_client->ping();
}

Pager *OciBackend::createRepositoryPager(const QString &prefix, QObject *parent)
{
    return new OciRepositoryPager(m_client, prefix, parent);
}

Pager *OciBackend::createTagPager(const QString &repository, QObject *parent)
{
    return new OciTagPager(m_client, repository, parent);
}

ResultJob<TagDigest> *OciBackend::resolveTag(const QString &repository, const QString &tag,
                                             Priority priority)
{
    auto *task = new Task<TagDigest>(priority, this);
    task->await(
            m_client->headManifest(repository, tag, priority),
            [this, task, repository, tag](const Result<ManifestHead> &head) {
                if (!head.ok()) {
                    task->fail(head.error());
                    return;
                }
                if (!head->digest.isEmpty()) {
                    task->finish(TagDigest{tag, head->digest, head->mediaType});
                    return;
                }
                // Some registries omit Docker-Content-Digest on HEAD: the body tells.
                task->await(
                        m_client->getManifest(repository, tag, task->priority()),
                        [task, tag](const Result<FetchedManifest> &manifest) {
                            if (!manifest.ok())
                                task->fail(manifest.error());
                            else
                                task->finish(TagDigest{tag, manifest->digest, manifest->mediaType});
                        });
            });
    return task;
}

ResultJob<ImageMetadata> *OciBackend::fetchMetadata(const QString &repository,
                                                    const QString &reference, Priority priority)
{
    return new MetadataJob(m_client, repository, reference, priority, QStringList(), this);
}

ResultJob<ImageMetadata> *OciBackend::fetchMetadataFrom(const QString &repository,
                                                        const QString &reference, Priority priority,
                                                        const MetadataSources &sources)
{
    return new MetadataJob(m_client, repository, reference, priority, sources, this);
}

ResultJob<FetchedManifest> *OciBackend::fetchManifest(const QString &repository,
                                                      const QString &reference, Priority priority)
{
    return m_client->getManifest(repository, reference, priority);
}

ResultJob<QString> *OciBackend::addTag(const QString &repository, const QString &sourceReference,
                                       const QString &targetRepository, const QString &newTag)
{
    if (!ImageReference::isValidTag(newTag)) {
        return failedJob<QString>(Error(ErrorCode::InvalidInput,
                                        u"not a valid tag: %1"_s.arg(ServerText::visible(newTag))),
                                  this);
    }
    const QString target = targetRepository.isEmpty() ? repository : targetRepository;
    if (!ImageReference::isValidRepositoryPath(target)) {
        return failedJob<QString>(
                Error(ErrorCode::InvalidInput,
                      u"not a valid repository name: %1"_s.arg(ServerText::visible(target))),
                this);
    }
    return new TagCopyJob(m_client, repository, sourceReference, target, newTag, this);
}

ResultJob<void> *OciBackend::deleteTag(const QString &repository, const QString &tag,
                                       const QString &expectedDigest)
{
    if (!ImageReference::isValidTag(tag)) {
        return failedJob<void>(Error(ErrorCode::InvalidInput,
                                     u"not a valid tag: %1"_s.arg(ServerText::visible(tag))),
                               this);
    }
    auto *job = new UntagJob(m_client, repository, tag, expectedDigest,
                             m_deletesAllowed.contains(repository), this);
    // A clean-up untags many tags of one repository: the probe that deletes are allowed is
    // needed once, not per tag.
    job->onFinished(this, [this, repository](const Result<void> &removed) {
        if (removed.ok())
            m_deletesAllowed.insert(repository);
    });
    return job;
}

ResultJob<void> *OciBackend::deleteImage(const QString &repository, const QString &digest)
{
    return m_client->deleteManifest(repository, digest);
}

ResultJob<QString> *OciBackend::putManifest(const QString &repository, const QString &reference,
                                            const QByteArray &bytes, const QString &mediaType)
{
    return m_client->putManifest(repository, reference, bytes, mediaType);
}

ResultJob<StreamedBlob> *OciBackend::streamBlob(const QString &repository, const QString &digest,
                                                BodySink *sink, Priority priority, qint64 firstByte,
                                                qint64 lastByte)
{
    return m_client->streamBlob(repository, digest, sink, priority, firstByte, lastByte);
}

ResultJob<bool> *OciBackend::blobExists(const QString &repository, const QString &digest)
{
    return m_client->blobExists(repository, digest, Priority::Interactive);
}

RequestScheduler *OciBackend::scheduler() const
{
    return m_client->scheduler();
}

} // namespace Berth
