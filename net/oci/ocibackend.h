#pragma once

#include "net/backend/registrybackend.h"

namespace Berth {

class MetadataFetcher;

//! A plain OCI Distribution / Docker Registry v2 server.
//! Metadata of one digest is fetched once even when many tags or callers ask concurrently.
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
    void connectToRegistry(QObject *context, Callback<void> done) override;
    Pager *createRepositoryPager(const QString &prefix, QObject *parent) override;
    Pager *createTagPager(const QString &repository, QObject *parent) override;
    using RegistryBackend::createTagPager; // the TagQuery overload: the plain listing
    void resolveTag(const QString &repository, const QString &tag, const CallOptions &options,
                    QObject *context, Callback<TagDigest> done) override;
    void fetchMetadata(const QString &repository, const QString &reference,
                       const CallOptions &options, QObject *context,
                       Callback<ImageMetadata> done) override;
    void fetchManifest(const QString &repository, const QString &reference,
                       const CallOptions &options, QObject *context,
                       Callback<FetchedManifest> done) override;
    void addTag(const QString &repository, const QString &sourceReference,
                const QString &targetRepository, const QString &newTag, QObject *context,
                Callback<QString> done) override;
    void deleteTag(const QString &repository, const QString &tag, QObject *context,
                   Callback<void> done) override;
    void deleteImage(const QString &repository, const QString &digest, QObject *context,
                     Callback<void> done) override;
    void cancel(OwnerId owner) override;
    void setOwnerPriority(OwnerId owner, Priority priority) override;
    RequestScheduler *scheduler() const override;

    MetadataFetcher *metadataFetcher() const { return m_metadata; }

private:
    //! Makes every blob and child manifest of manifest present in target (mount, else copy).
    void copyContent(const QString &source, const QString &target, const Manifest &manifest,
                     int depth, std::function<void(Error)> done);
    void copyBlob(const QString &source, const QString &target, const Descriptor &blob,
                  std::function<void(Error)> done);

    RegistryClient *m_client;
    MetadataFetcher *m_metadata;
};

} // namespace Berth
