#pragma once

#include "net/backend/registrybackend.h"

namespace Berth::Test {

//! A backend with one repository of tagCount synthetic tags (SyntheticTagPager) and nothing
//! else: every other call fails with Unsupported. Feeds the tag table a million rows without a
//! registry, to measure what a row costs.
class SyntheticBackend final : public RegistryBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyntheticBackend)
public:
    explicit SyntheticBackend(qint64 tagCount, QObject *parent = nullptr);

    QString kindName() const override;
    QString registryHost() const override;
    void connectToRegistry(QObject *context, Callback<void> done) override;
    Pager *createRepositoryPager(const QString &prefix, QObject *parent) override;
    Pager *createTagPager(const QString &repository, QObject *parent) override;
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
    RequestScheduler *scheduler() const override { return nullptr; }

private:
    template<typename T>
    void unsupported(QObject *context, Callback<T> done) const;

    qint64 m_tagCount;
};

} // namespace Berth::Test
