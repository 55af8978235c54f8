#include "models/cleanup/cleanuprun.h"

#include "models/metadata/metadataservice.h"
#include "models/tags/tagoperations.h"
#include "net/backend/registrybackend.h"
#include "net/core/digest.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace Berth {

CleanupRun::CleanupRun(MetadataService *service, TagOperations *operations, const CleanupPlan &plan,
                       const QString &registry, const QString &journalPath, QObject *parent)
    : ResultJob<CleanupOutcome>(Priority::Interactive, parent)
    , m_service(service)
    , m_operations(operations)
    , m_plan(plan)
    , m_registry(registry)
{
    if (!plan.isFinal()) {
        finish(Error(ErrorCode::InvalidInput,
                     u"the plan is not final yet (tags still loading): nothing was changed"_s));
        return;
    }
    if (const Error error
        = m_journal.open(journalPath, registry, plan.repository, plan.rules.toJson());
        error.isError()) {
        finish(error);
        return;
    }
    m_outcome.journalPath = m_journal.path();
    m_removalCount = int(plan.removedTags().size() + plan.deletedUntagged().size());
    checkBeforeRun();
}

void CleanupRun::checkBeforeRun()
{
    awaitJob(m_operations->currentTags(m_plan.repository),
             [this](const Result<QHash<QString, QString>> &now) {
                 if (!now.ok()) {
                     Error error = now.error();
                     error.message = u"checking the tags before the run (nothing was changed): "_s
                                     + error.message;
                     return finish(error);
                 }
                 planSteps(*now);
                 m_removalsDone = int(m_outcome.skipped.size());
                 Q_EMIT progressed();
                 runNext();
             });
}

void CleanupRun::planSteps(const QHash<QString, QString> &now)
{
    QHash<QString, Step> images; // the images the plan deletes, by digest
    QSet<QString> removing;
    for (const PlannedTag &tag : std::as_const(m_plan.tags)) {
        if (tag.action == CleanupAction::Keep)
            continue;
        const auto current = now.constFind(tag.tag);
        if (current == now.cend()) {
            m_outcome.skipped.append(u"%1: gone since the plan"_s.arg(tag.tag));
            continue;
        }
        if (*current != tag.digest) {
            m_outcome.skipped.append(u"%1: moved to %2 since the plan (was %3), left alone"_s.arg(
                    tag.tag, Digest::shortForm(*current), Digest::shortForm(tag.digest)));
            continue;
        }
        removing.insert(tag.tag);
        if (tag.action == CleanupAction::Untag) {
            m_steps.append(Step{tag.digest, {tag.tag}, false});
        } else {
            Step &image = images[tag.digest];
            image.digest = tag.digest;
            image.deleteImage = true;
            image.tags.append(tag.tag);
        }
    }
    // An image that a tag outside the removals points at now (pushed or moved onto it since
    // the plan) stays: its planned tags are untagged one by one instead.
    QSet<QString> stillUsed;
    for (auto it = now.cbegin(); it != now.cend(); ++it) {
        if (!removing.contains(it.key()))
            stillUsed.insert(it.value());
    }
    for (const Step &image : std::as_const(images)) {
        if (!stillUsed.contains(image.digest)) {
            m_steps.append(image);
            continue;
        }
        for (const QString &tag : image.tags)
            m_steps.append(Step{image.digest, {tag}, false});
    }
    // Untagged images last: by then the untags above cannot leave one behind that was planned.
    for (const QString &digest : m_plan.deletedUntagged()) {
        if (stillUsed.contains(digest)) {
            m_outcome.skipped.append(
                    u"%1: tagged since the plan, left alone"_s.arg(untaggedImageName(digest)));
            continue;
        }
        m_steps.append(Step{digest, {}, true});
    }
}

void CleanupRun::runNext()
{
    if (isFinished())
        return;
    while (m_running < MaxInFlight && m_next < m_steps.size()) {
        ++m_running;
        runStep(m_steps.at(m_next++));
    }
    if (m_running == 0 && m_next >= m_steps.size())
        verify();
}

void CleanupRun::runStep(const Step &step)
{
    if (step.tags.isEmpty())
        return runUntaggedStep(step);
    if (step.deleteImage) {
        // The first tag's manifest, asked by the tag: the bytes for the journal and, in the same
        // answer, where the tag points right now. Anything unexpected takes the general way.
        awaitJob(m_service->manifest(m_plan.repository, step.tags.constFirst(),
                                     Priority::Interactive),
                 [this, step](const Result<FetchedManifest> &manifest) {
                     if (manifest.ok() && manifest->digest == step.digest)
                         act(step, *manifest, step.tags.mid(1));
                     else
                         runStepByDigest(step);
                 });
        return;
    }
    runStepByDigest(step);
}

void CleanupRun::runUntaggedStep(const Step &step)
{
    // Right before: is it still an untagged image the server would delete alone?
    const QString name = untaggedImageName(step.digest);
    awaitJob(m_service->backend()->untaggedImages(m_plan.repository, step.digest),
             [this, step, name](const Result<QList<UntaggedImage>> &now) {
                 if (!now.ok()) {
                     m_outcome.failed.append(u"%1: %2"_s.arg(name, now.error().toString()));
                     return stepDone(1);
                 }
                 if (now->isEmpty()) {
                     m_outcome.skipped.append(
                             u"%1: tagged or gone since the plan, left alone"_s.arg(name));
                     return stepDone(1);
                 }
                 runStepByDigest(step);
             });
}

void CleanupRun::runStepByDigest(const Step &step)
{
    // The manifest's exact bytes first: the journal line must be able to put it back.
    awaitJob(m_service->manifest(m_plan.repository, step.digest, Priority::Interactive),
             [this, step](const Result<FetchedManifest> &manifest) {
                 if (!manifest.ok()) {
                     const QStringList names = step.tags.isEmpty()
                                                       ? QStringList{untaggedImageName(step.digest)}
                                                       : step.tags;
                     for (const QString &name : names) {
                         m_outcome.failed.append(u"%1: reading its manifest: %2"_s.arg(
                                 name, manifest.error().toString()));
                     }
                     return stepDone(int(names.size()));
                 }
                 act(step, *manifest, step.tags);
             });
}

void CleanupRun::act(const Step &step, const FetchedManifest &manifest,
                     const QStringList &unchecked)
{
    // An untagged image's line has no tag: undo puts it back by digest.
    const QStringList tags = step.tags.isEmpty() ? QStringList{QString()} : step.tags;
    for (const QString &tag : tags) {
        const JournalEntry entry{m_plan.repository,
                                 tag,
                                 step.digest,
                                 manifest.mediaType,
                                 manifest.bytes,
                                 CleanupPlan::actionName(step.deleteImage ? CleanupAction::Delete
                                                                          : CleanupAction::Untag)};
        if (const Error written = m_journal.append(entry); written.isError()) {
            // Without its journal line a change is not made; the run stops here.
            Error error = written;
            error.message += u"; the run stopped before %1"_s.arg(entry.name());
            return finish(error);
        }
    }
    step.deleteImage ? deleteImage(step, unchecked) : untag(step);
}

void CleanupRun::untag(const Step &step)
{
    const QString tag = step.tags.constFirst();
    awaitJob(m_operations->deleteTag(m_plan.repository, tag, step.digest),
             [this, tag](const Result<void> &removed) {
                 if (removed.ok()) {
                     m_outcome.removed.append(tag);
                 } else if (removed.error().code == ErrorCode::Conflict
                            || removed.error().code == ErrorCode::NotFound) {
                     m_outcome.skipped.append(u"%1: %2"_s.arg(tag, removed.error().message));
                 } else {
                     m_outcome.failed.append(u"%1: %2"_s.arg(tag, removed.error().toString()));
                 }
                 stepDone(1);
             });
}

void CleanupRun::deleteImage(const Step &step, const QStringList &unchecked)
{
    if (unchecked.isEmpty())
        return deleteManifest(step);
    // Right before: are the image's tags still on it? If not, each goes on its own (pinned).
    awaitJob(m_operations->resolveDigests(m_plan.repository, unchecked),
             [this, step, unchecked](const Result<QHash<QString, QString>> &now) {
                 bool unchanged = now.ok();
                 for (const QString &tag : unchecked)
                     unchanged = unchanged && now->value(tag) == step.digest;
                 if (unchanged)
                     return deleteManifest(step);
                 for (const QString &tag : step.tags)
                     untag(Step{step.digest, {tag}, false});
                 m_running += int(step.tags.size()) - 1;
             });
}

void CleanupRun::deleteManifest(const Step &step)
{
    awaitJob(m_operations->deleteImage(m_plan.repository, step.digest),
             [this, step](const Result<void> &deleted) {
                 if (step.tags.isEmpty()) {
                     if (deleted.ok())
                         m_outcome.removedUntagged.append(step.digest);
                     else
                         m_outcome.failed.append(u"%1: %2"_s.arg(untaggedImageName(step.digest),
                                                                 deleted.error().toString()));
                     return stepDone(1);
                 }
                 for (const QString &tag : step.tags) {
                     if (deleted.ok()) {
                         m_outcome.removed.append(tag);
                     } else {
                         m_outcome.failed.append(u"%1: deleting its image %2: %3"_s.arg(
                                 tag, Digest::shortForm(step.digest), deleted.error().toString()));
                     }
                 }
                 stepDone(int(step.tags.size()));
             });
}

void CleanupRun::stepDone(int tags)
{
    --m_running;
    m_removalsDone += tags;
    Q_EMIT progressed();
    runNext();
}

void CleanupRun::verify()
{
    awaitJob(m_operations->currentTags(m_plan.repository),
             [this](const Result<QHash<QString, QString>> &after) {
                 if (!after.ok()) {
                     m_outcome.mismatches.append(u"the repository could not be listed again: "_s
                                                 + after.error().toString());
                     return finish(m_outcome);
                 }
                 const QSet<QString> removed(m_outcome.removed.cbegin(), m_outcome.removed.cend());
                 QSet<QString> planned;
                 for (const PlannedTag &tag : std::as_const(m_plan.tags)) {
                     planned.insert(tag.tag);
                     const auto now = after->constFind(tag.tag);
                     if (tag.action == CleanupAction::Keep) {
                         if (now == after->cend())
                             m_outcome.mismatches.append(
                                     u"%1 was to stay and is gone"_s.arg(tag.tag));
                         else if (*now != tag.digest && !tag.digest.isEmpty())
                             m_outcome.mismatches.append(
                                     u"%1 was to stay on %2 and points at %3"_s.arg(
                                             tag.tag, Digest::shortForm(tag.digest),
                                             Digest::shortForm(*now)));
                     } else if (removed.contains(tag.tag) && now != after->cend()) {
                         m_outcome.mismatches.append(
                                 u"%1 was removed and is there again"_s.arg(tag.tag));
                     }
                 }
                 for (auto it = after->cbegin(); it != after->cend(); ++it) {
                     if (!planned.contains(it.key()))
                         m_outcome.mismatches.append(
                                 u"%1 appeared during the run (not in the plan)"_s.arg(it.key()));
                 }
                 verifyUntagged();
             });
}

void CleanupRun::verifyUntagged()
{
    if (m_outcome.removedUntagged.isEmpty())
        return finish(m_outcome);
    awaitJob(m_service->backend()->untaggedImages(m_plan.repository),
             [this](const Result<QList<UntaggedImage>> &after) {
                 if (!after.ok()) {
                     m_outcome.mismatches.append(
                             u"the untagged images could not be listed again: "_s
                             + after.error().toString());
                     return finish(m_outcome);
                 }
                 const QSet<QString> deleted(m_outcome.removedUntagged.cbegin(),
                                             m_outcome.removedUntagged.cend());
                 for (const UntaggedImage &image : *after) {
                     if (deleted.contains(image.digest))
                         m_outcome.mismatches.append(u"%1 was deleted and is there again"_s.arg(
                                 untaggedImageName(image.digest)));
                 }
                 finish(m_outcome);
             });
}

} // namespace Berth
