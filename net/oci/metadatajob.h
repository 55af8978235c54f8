#pragma once

#include "net/backend/registrybackend.h"
#include "net/core/job.h"
#include "net/formats/imagemetadata.h"
#include "net/formats/manifest.h"

#include <QList>
#include <QPointer>
#include <QStringList>

#include <optional>

namespace Berth {

class RegistryClient;

//! ImageMetadata of one tag or digest, assembled step by step: the manifest; then for an image
//! its config, for an index the metadata of every child (each a MetadataJob of its own, run
//! side by side). Nothing is shared or cached here: MetadataService (models/) is the one layer
//! that deduplicates and caches by digest.
//!
//! Failures of one part that leave the rest standing (Error::isItemError(): a missing platform,
//! a broken config) become warnings on the result; transport, auth and cancellation errors fail
//! the whole job; such a result should not be cached, so a later look can
//! recover (ImageMetadata::warnings is then not empty).
class MetadataJob final : public ResultJob<ImageMetadata>
{
    Q_DISABLE_COPY_MOVE(MetadataJob)
public:
    //! ancestors: the indexes that led here (an index may list indexes, those may not; an index
    //! that lists itself is refused).
    MetadataJob(RegistryClient *client, const QString &repository, const QString &reference,
                Priority priority, const QStringList &ancestors, QObject *parent);
    //! With the caller's help: a manifest in hand is not fetched again; an index takes its
    //! children from sources.children when set (the caller's cache; nesting is then bounded
    //! by each child's own job).
    MetadataJob(RegistryClient *client, const QString &repository, const QString &reference,
                Priority priority, const MetadataSources &sources, QObject *parent);

    //! Depth of index nesting followed: an index may list indexes, those may not.
    static constexpr int MaxIndexDepth = 2;

private:
    void onManifest(const Result<FetchedManifest> &fetched);
    void assembleImage(const FetchedManifest &fetched);
    void onConfig(const Result<QByteArray> &blob);
    void assembleIndex(const FetchedManifest &fetched);
    void onChild(qsizetype index, const Result<ImageMetadata> &child);
    void finishIndex();

    QPointer<RegistryClient> m_client;
    QString m_repository;
    QStringList m_ancestors;
    MetadataSources::ChildLookup m_children;

    ImageMetadata m_metadata;
    // Image: its own platform entry, completed by the config.
    PlatformImage m_self;
    QString m_configDigest;
    // Index: one slot per child, filled as children finish.
    QList<PlatformImage> m_slots;
    QList<bool> m_attestation;
    QList<bool> m_declaresPlatform;               //!< the index gave the child's platform
    QList<std::optional<ImageMetadata>> m_nested; //!< child indexes: their lists are merged
    qsizetype m_remaining = 0;
};

} // namespace Berth
