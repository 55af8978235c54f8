#include "models/cleanup/undojob.h"

#include "net/backend/registrybackend.h"
#include "net/core/digest.h"
#include "net/formats/manifest.h"

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

UndoJob::UndoJob(RegistryBackend *backend, const Journal &journal, bool dryRun, QObject *parent)
    : ResultJob<UndoOutcome>(Priority::Interactive, parent)
    , m_backend(backend)
    , m_journal(journal)
    , m_dryRun(dryRun)
{
    runNext();
}

void UndoJob::runNext()
{
    if (isFinished())
        return;
    while (m_running < MaxInFlight && m_next < m_journal.entries.size()) {
        ++m_running;
        restore(m_journal.entries.at(m_next++));
    }
    if (m_running == 0 && m_next >= m_journal.entries.size())
        finish(m_outcome);
}

void UndoJob::entryDone()
{
    --m_running;
    runNext();
}

void UndoJob::restore(const JournalEntry &entry)
{
    if (!Digest::matches(entry.manifest, entry.digest)) {
        m_outcome.unrestorable.append(
                u"%1: the journal's manifest does not match its digest %2 (damaged journal)"_s.arg(
                        entry.name(), Digest::shortForm(entry.digest)));
        return entryDone();
    }
    awaitJob(m_backend->resolveTag(entry.repository, entry.reference(), Priority::Interactive),
             [this, entry](const Result<TagDigest> &now) {
                 if (now.ok() && now->digest == entry.digest) {
                     m_outcome.alreadyThere.append(entry.name());
                     return entryDone();
                 }
                 if (!now.ok() && now.error().code != ErrorCode::NotFound) {
                     m_outcome.failed.append(u"%1: %2"_s.arg(entry.name(), now.error().toString()));
                     return entryDone();
                 }
                 if (now.ok()) {
                     // Someone pushed the tag since: putting the old image back would move it.
                     m_outcome.unrestorable.append(
                             u"%1: points at %2 now (pushed since the clean-up), left alone"_s.arg(
                                     entry.name(), Digest::shortForm(now->digest)));
                     return entryDone();
                 }
                 checkBlobs(entry);
             });
}

void UndoJob::checkBlobs(const JournalEntry &entry)
{
    const Result<Manifest> manifest = parseManifest(entry.manifest, entry.mediaType);
    if (!manifest.ok()) {
        m_outcome.unrestorable.append(u"%1: %2"_s.arg(entry.name(), manifest.error().message));
        return entryDone();
    }
    // What the manifest needs in the repository: blobs, or an index's child manifests.
    QList<Descriptor> blobs;
    QList<Descriptor> children;
    if (manifest->kind == ManifestKind::Index) {
        children = manifest->manifests;
    } else {
        blobs = manifest->layers;
        if (!manifest->config.digest.isEmpty())
            blobs.prepend(manifest->config);
    }
    auto pending = std::make_shared<qsizetype>(blobs.size() + children.size());
    auto missing = std::make_shared<QStringList>();
    auto failure = std::make_shared<Error>();
    const auto oneDone = [this, entry, pending, missing, failure] {
        if (--*pending > 0)
            return;
        if (failure->isError()) {
            m_outcome.failed.append(u"%1: %2"_s.arg(entry.name(), failure->toString()));
            return entryDone();
        }
        if (!missing->isEmpty()) {
            m_outcome.unrestorable.append(
                    u"%1: the registry no longer has %2 (garbage collected)"_s.arg(
                            entry.name(), missing->join(u", "_s)));
            return entryDone();
        }
        put(entry);
    };
    if (*pending == 0)
        return put(entry);
    for (const Descriptor &blob : std::as_const(blobs)) {
        awaitJob(m_backend->blobExists(entry.repository, blob.digest),
                 [blob, missing, failure, oneDone](const Result<bool> &exists) {
                     if (!exists.ok())
                         *failure = exists.error();
                     else if (!*exists)
                         missing->append(u"blob "_s + Digest::shortForm(blob.digest));
                     oneDone();
                 });
    }
    for (const Descriptor &child : std::as_const(children)) {
        awaitJob(m_backend->resolveTag(entry.repository, child.digest, Priority::Interactive),
                 [child, missing, failure, oneDone](const Result<TagDigest> &exists) {
                     if (!exists.ok() && exists.error().code == ErrorCode::NotFound)
                         missing->append(u"manifest "_s + Digest::shortForm(child.digest));
                     else if (!exists.ok())
                         *failure = exists.error();
                     oneDone();
                 });
    }
}

void UndoJob::put(const JournalEntry &entry)
{
    const QString restored = u"%1 -> %2"_s.arg(entry.name(), entry.digest);
    if (m_dryRun) {
        m_outcome.restored.append(restored);
        return entryDone();
    }
    awaitJob(m_backend->putManifest(entry.repository, entry.reference(), entry.manifest,
                                    entry.mediaType),
             [this, entry, restored](const Result<QString> &stored) {
                 if (!stored.ok()) {
                     m_outcome.failed.append(
                             u"%1: %2"_s.arg(entry.name(), stored.error().toString()));
                 } else if (*stored != entry.digest) {
                     m_outcome.failed.append(u"%1: the registry stored %2, not %3"_s.arg(
                             entry.name(), Digest::shortForm(*stored),
                             Digest::shortForm(entry.digest)));
                 } else {
                     m_outcome.restored.append(restored);
                 }
                 entryDone();
             });
}

} // namespace Berth
