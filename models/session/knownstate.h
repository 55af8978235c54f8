#pragma once

#include <QDateTime>
#include <QHash>
#include <QPointer>
#include <QStringList>

namespace Berth {

class MetadataCache;

//! A handle (copies share the cache) on what the disk cache knows of one registry: its last
//! known state for the offline view (repositories, tags, when they were last confirmed) and the
//! forgetting that keeps that state true: a tag Berth deleted, or that a complete listing no
//! longer has, is not shown again the next time the registry cannot be reached. A null cache
//! knows nothing and forgets nothing.
class KnownState
{
public:
    KnownState() = default;
    KnownState(MetadataCache *cache, const QString &registry);

    bool isAvailable() const { return !m_cache.isNull() && !m_registry.isEmpty(); }
    QString registry() const { return m_registry; }

    //! Repositories with at least one cached tag, sorted.
    QStringList repositories() const;
    //! When any tag of repository was last confirmed by the registry; invalid when unknown.
    QDateTime lastSeen(const QString &repository) const;
    //! The newest lastSeen() of every known repository: when the registry last answered.
    QDateTime lastSeen() const;

    //! Tags that were deleted.
    void forgetTags(const QString &repository, const QStringList &tags) const;
    //! The image (manifest) digest was deleted: every cached tag pointing at it goes, listed
    //! or not. Returns those tags.
    QStringList forgetImage(const QString &repository, const QString &digest) const;
    //! listed is every tag of repository (a complete listing: never call it with a page, a
    //! filtered or a failed one): cached tags it lacks are gone. Returns them.
    QStringList forgetTagsNotIn(const QString &repository, const QStringList &listed) const;
    //! The repository was deleted.
    void forgetRepository(const QString &repository) const;
    //! catalog is every repository of the registry (a complete catalog listing): cached
    //! repositories it lacks are gone. Returns them.
    QStringList forgetRepositoriesNotIn(const QStringList &catalog) const;

private:
    QPointer<MetadataCache> m_cache;
    QString m_registry;
};

} // namespace Berth
