#include "models/watch/repositorycheck.h"

#include "net/backend/registrybackend.h"
#include "net/core/digest.h"
#include "net/harbor/harborapi.h"
#include "net/harbor/harborbackend.h"
#include "net/oci/ocibackend.h"
#include "net/oci/registryclient.h"

#include <QSet>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

RepositoryCheck::RepositoryCheck(RegistryBackend *backend, const QString &repository,
                                 const WatchBaseline &baseline, QObject *parent)
    : ResultJob<WatchCheckResult>(Priority::Background, parent)
    , m_backend(backend)
    , m_repository(repository)
{
    m_result.baseline = baseline;
    if (auto *harbor = qobject_cast<HarborBackend *>(backend)) {
        m_client = harbor->client();
        if (harbor->generation() == HarborGeneration::V2)
            m_harbor = harbor->api();
    } else if (auto *oci = qobject_cast<OciBackend *>(backend)) {
        m_client = oci->client();
    }
    if (!m_client) {
        // Finished from the event loop, as every job is.
        QTimer::singleShot(0, this, [this] {
            fail(Error(ErrorCode::Unsupported,
                       tr("Watching is not supported for this kind of registry.")));
        });
        return;
    }
    if (m_harbor) {
        if (m_result.baseline.recorded)
            listArtifacts(1);
        else
            listTags({}, [this] { recordFirstNames(); });
        return;
    }
    listTags({}, [this] { onNames(); });
}

void RepositoryCheck::fail(const Error &error)
{
    finish(Result<WatchCheckResult>(error));
}

void RepositoryCheck::done()
{
    m_result.baseline.recorded = true;
    finish(m_result);
}

// ---- Plain registry and Harbor 1.x ------------------------------------------------------------

void RepositoryCheck::listTags(const QUrl &next, const std::function<void()> &then)
{
    ++m_result.requests;
    awaitJob(m_client->tagsPage(m_repository, TagListPageSize, next, Priority::Background),
             [this, then](const Result<NamesPage> &page) {
                 if (!page.ok()) {
                     fail(page.error());
                     return;
                 }
                 m_names.append(page->names);
                 if (!page->next.isEmpty()) {
                     listTags(page->next, then);
                     return;
                 }
                 then();
             });
}

void RepositoryCheck::onNames()
{
    WatchBaseline &baseline = m_result.baseline;
    const QSet<QString> present(m_names.cbegin(), m_names.cend());
    // Tags that went away are forgotten (not reported): one pushed again later is new again.
    for (auto it = baseline.tags.begin(); it != baseline.tags.end();) {
        if (present.contains(it.key())) {
            ++it;
        } else {
            baseline.floating.remove(it.key());
            it = baseline.tags.erase(it);
        }
    }
    QStringList names(present.cbegin(), present.cend());
    names.sort();

    QStringList known; // neither new nor floating: the round robin's list, in name order
    QStringList floating;
    QStringList fresh;
    for (const QString &name : std::as_const(names)) {
        if (baseline.recorded && !baseline.tags.contains(name))
            fresh.append(name);
        else if (baseline.isFloating(name))
            floating.append(name);
        else
            known.append(name);
        if (!baseline.recorded)
            baseline.tags.insert(name, {});
    }

    for (int i = 0; i < fresh.size(); ++i) {
        if (i < MaxNewHeads) {
            m_heads.append(Head{fresh.at(i), true});
        } else {
            baseline.tags.insert(fresh.at(i), {});
            m_result.changes.append(TagChange{fresh.at(i), {}, false});
        }
    }
    for (const QString &tag : std::as_const(floating))
        m_heads.append(Head{tag, false});
    if (!known.isEmpty()) {
        const int count = std::min<int>(RevalidateSlice, known.size());
        const int start = baseline.recorded ? baseline.cursor % known.size() : 0;
        for (int i = 0; i < count; ++i)
            m_heads.append(Head{known.at((start + i) % known.size()), false});
        baseline.cursor = (start + count) % known.size();
    }
    headNext();
}

void RepositoryCheck::headNext()
{
    if (m_heads.isEmpty()) {
        done();
        return;
    }
    const Head head = m_heads.takeFirst();
    ++m_result.requests;
    awaitJob(m_backend->resolveTag(m_repository, head.tag, Priority::Background),
             [this, head](const Result<TagDigest> &resolved) {
                 WatchBaseline &baseline = m_result.baseline;
                 if (!resolved.ok()) {
                     if (resolved.error().code == ErrorCode::NotFound) {
                         // Deleted between the listing and the HEAD.
                         baseline.tags.remove(head.tag);
                         baseline.floating.remove(head.tag);
                         headNext();
                         return;
                     }
                     fail(resolved.error());
                     return;
                 }
                 const QString digest = resolved->digest;
                 const QString before = baseline.tags.value(head.tag);
                 if (head.isNew) {
                     m_result.changes.append(TagChange{head.tag, digest, false});
                 } else if (baseline.recorded && !before.isEmpty() && before != digest) {
                     m_result.changes.append(TagChange{head.tag, digest, true});
                     baseline.floating.insert(head.tag);
                 }
                 baseline.tags.insert(head.tag, digest);
                 headNext();
             });
}

// ---- Harbor 2.x -------------------------------------------------------------------------------

void RepositoryCheck::recordFirstNames()
{
    for (const QString &name : std::as_const(m_names)) {
        if (!m_result.baseline.tags.contains(name))
            m_result.baseline.tags.insert(name, {});
    }
    listArtifacts(1);
}

void RepositoryCheck::listArtifacts(int page)
{
    const QString path = m_harbor->repositoryPath(m_repository);
    if (path.isEmpty()) {
        fail(Error(ErrorCode::InvalidInput,
                   tr("%1 is not a Harbor repository (project/name)").arg(m_repository)));
        return;
    }
    // Newest pushed first, tags included, nothing else Harbor would have to look up.
    const QueryItems query{{u"page"_s, QString::number(page)},
                           {u"page_size"_s, QString::number(HarborPageSize)},
                           {u"sort"_s, u"-push_time"_s},
                           {u"q"_s, u"tags=*"_s},
                           {u"with_tag"_s, u"true"_s},
                           {u"with_label"_s, u"false"_s},
                           {u"with_scan_overview"_s, u"false"_s},
                           {u"with_immutable_status"_s, u"false"_s}};
    ++m_result.requests;
    const QString what = tr("Checking %1 for new tags").arg(m_repository);
    awaitJob(m_harbor->getPage(path + u"/artifacts"_s, query, what, Priority::Background),
             [this, page, what](const Result<HarborPage> &listed) {
                 if (!listed.ok()) {
                     fail(listed.error());
                     return;
                 }
                 Result<QList<HarborArtifact>> artifacts = parseHarborArtifacts(listed->body);
                 if (!artifacts.ok()) {
                     Error error = artifacts.error();
                     error.message = what + u": "_s + error.message;
                     fail(error);
                     return;
                 }
                 WatchBaseline &baseline = m_result.baseline;
                 const bool recorded = baseline.recorded;
                 QStringList seen;
                 bool reachedKnown = false;
                 for (const HarborArtifact &artifact : std::as_const(artifacts.value())) {
                     if (!Digest::isValid(artifact.digest))
                         continue;
                     const bool knownArtifact = baseline.artifacts.contains(artifact.digest);
                     for (const HarborTag &tag : artifact.tags) {
                         const auto before = baseline.tags.constFind(tag.name);
                         const bool hadName = before != baseline.tags.cend();
                         const QString oldDigest = hadName ? before.value() : QString();
                         if (oldDigest == artifact.digest)
                             continue;
                         if (recorded && !hadName) {
                             m_result.changes.append(TagChange{tag.name, artifact.digest, false});
                         } else if (recorded && (!oldDigest.isEmpty() || !knownArtifact)) {
                             // A known name on a newly pushed artifact moved, even when its old
                             // digest was never learnt (names from the first listing).
                             m_result.changes.append(TagChange{tag.name, artifact.digest, true});
                             baseline.floating.insert(tag.name);
                         }
                         baseline.tags.insert(tag.name, artifact.digest);
                     }
                     if (knownArtifact) {
                         reachedKnown = true;
                         break;
                     }
                     seen.append(artifact.digest);
                 }
                 // Newest first: the artifacts met now go before the ones known from before.
                 baseline.artifacts = seen + baseline.artifacts;
                 baseline.artifacts.removeDuplicates();
                 if (baseline.artifacts.size() > RememberedArtifacts)
                     baseline.artifacts.resize(RememberedArtifacts);
                 const bool more
                         = listed->hasNext
                           || (listed->total >= 0 && qint64(page) * HarborPageSize < listed->total);
                 // The first check records one page; later ones walk to a known artifact.
                 if (recorded && !reachedKnown && more && page < MaxHarborPages) {
                     listArtifacts(page + 1);
                     return;
                 }
                 done();
             });
}

} // namespace Berth
