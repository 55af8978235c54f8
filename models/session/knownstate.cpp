#include "models/session/knownstate.h"

#include "models/metadata/metadatacache.h"
#include "models/modelslogging.h"

#include <QSet>

namespace Berth {

KnownState::KnownState(MetadataCache *cache, const QString &registry)
    : m_cache(cache)
    , m_registry(registry)
{}

QStringList KnownState::repositories() const
{
    return isAvailable() ? m_cache->knownRepositories(m_registry) : QStringList();
}

QDateTime KnownState::lastSeen(const QString &repository) const
{
    return isAvailable() ? m_cache->lastVerified(m_registry, repository) : QDateTime();
}

QDateTime KnownState::lastSeen() const
{
    // One range scan per repository; asked once when a registry goes offline, not per paint.
    QDateTime newest;
    for (const QString &repository : repositories()) {
        const QDateTime seen = lastSeen(repository);
        if (seen.isValid() && (!newest.isValid() || seen > newest))
            newest = seen;
    }
    return newest;
}

void KnownState::forgetTags(const QString &repository, const QStringList &tags) const
{
    if (!isAvailable())
        return;
    for (const QString &tag : tags)
        m_cache->forgetTag(m_registry, repository, tag);
}

QStringList KnownState::forgetImage(const QString &repository, const QString &digest) const
{
    QStringList gone;
    if (!isAvailable() || digest.isEmpty())
        return gone;
    const QHash<QString, TagRecord> records = m_cache->tagsOf(m_registry, repository);
    for (auto it = records.cbegin(); it != records.cend(); ++it) {
        if (it->digest == digest)
            gone.append(it.key());
    }
    forgetTags(repository, gone);
    return gone;
}

QStringList KnownState::forgetTagsNotIn(const QString &repository, const QStringList &listed) const
{
    QStringList gone;
    if (!isAvailable())
        return gone;
    const QSet<QString> present(listed.cbegin(), listed.cend());
    const QHash<QString, TagRecord> records = m_cache->tagsOf(m_registry, repository);
    for (auto it = records.cbegin(); it != records.cend(); ++it) {
        if (!present.contains(it.key()))
            gone.append(it.key());
    }
    if (!gone.isEmpty()) {
        qCDebug(lcModels).noquote()
                << "forgetting" << gone.size() << "vanished tag(s) of" << repository;
    }
    forgetTags(repository, gone);
    return gone;
}

void KnownState::forgetRepository(const QString &repository) const
{
    if (isAvailable())
        m_cache->forgetRepository(m_registry, repository);
}

QStringList KnownState::forgetRepositoriesNotIn(const QStringList &catalog) const
{
    QStringList gone;
    if (!isAvailable())
        return gone;
    const QSet<QString> present(catalog.cbegin(), catalog.cend());
    for (const QString &repository : repositories()) {
        if (!present.contains(repository))
            gone.append(repository);
    }
    for (const QString &repository : std::as_const(gone))
        m_cache->forgetRepository(m_registry, repository);
    return gone;
}

} // namespace Berth
