#pragma once

#include "net/backend/registrybackend.h"

#include <QSet>

namespace Berth {

class RegistryClient;

//! A plain OCI Distribution / Docker Registry v2 server.
class OciBackend final : public RegistryBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OciBackend)
public:
    OciBackend(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
               QObject *parent = nullptr);

    RegistryClient *client() const { return m_client; }

    QString kindName() const override { return QStringLiteral("registry"); }
    QString registryHost() const override;
    ResultJob<void> *connectToRegistry() override;
    Pager *createRepositoryPager(const QString &prefix, QObject *parent) override;
    Pager *createTagPager(const QString &repository, QObject *parent) override;
    using RegistryBackend::createTagPager; // the TagQuery overload: the plain listing
    //! HEAD; a registry that omits Docker-Content-Digest on HEAD costs a GET more.
    ResultJob<TagDigest> *resolveTag(const QString &repository, const QString &tag,
                                     Priority priority) override;
    ResultJob<ImageMetadata> *fetchMetadata(const QString &repository, const QString &reference,
                                            Priority priority) override;
    bool resolvesTagsWithManifestGet() const override { return true; }
    ResultJob<ImageMetadata> *fetchMetadataFrom(const QString &repository, const QString &reference,
                                                Priority priority,
                                                const MetadataSources &sources) override;
    ResultJob<FetchedManifest> *fetchManifest(const QString &repository, const QString &reference,
                                              Priority priority) override;
    //! The source manifest's exact bytes PUT under the new tag (TagCopyJob).
    ResultJob<QString> *addTag(const QString &repository, const QString &sourceReference,
                               const QString &targetRepository, const QString &newTag) override;
    //! Distribution cannot delete a tag, only a manifest: UntagJob moves the tag onto a
    //! placeholder of its own and deletes that.
    ResultJob<void> *deleteTag(const QString &repository, const QString &tag,
                               const QString &expectedDigest) override;
    ResultJob<void> *deleteImage(const QString &repository, const QString &digest) override;
    ResultJob<QString> *putManifest(const QString &repository, const QString &reference,
                                    const QByteArray &bytes, const QString &mediaType) override;
    ResultJob<bool> *blobExists(const QString &repository, const QString &digest) override;
    ResultJob<StreamedBlob> *streamBlob(const QString &repository, const QString &digest,
                                        BodySink *sink, Priority priority, qint64 firstByte = 0,
                                        qint64 lastByte = -1) override;
    RequestScheduler *scheduler() const override;

private:
    RegistryClient *m_client;
    //! Repositories where an untag succeeded: deletes are allowed there (UntagJob's probe).
    QSet<QString> m_deletesAllowed;
};

} // namespace Berth
