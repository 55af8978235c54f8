#pragma once

#include "models/cleanup/cleanupjournal.h"
#include "models/cleanup/cleanupplan.h"
#include "net/core/job.h"

#include <QHash>
#include <QPointer>

namespace Berth {

class MetadataService;
class TagOperations;

//! What a clean-up run did.
struct CleanupOutcome
{
    QString journalPath;
    QStringList removed;         //!< tags that went
    QStringList removedUntagged; //!< digests of untagged images that were deleted
    QStringList skipped;         //!< "tag: why": moved or gone since the plan, left alone (an
                                 //!< untagged image: "untagged 1234abcd5678: why")
    QStringList failed;          //!< "tag: error"
    QStringList mismatches;      //!< where the repository afterwards differs from the plan
    bool ok() const { return skipped.isEmpty() && failed.isEmpty() && mismatches.isEmpty(); }
};

//! Runs a final clean-up plan. Safety first, in this order:
//! 1. The tags are asked of the server again (listing + a HEAD each): a tag that moved to
//!    another digest or went since the plan is skipped; an image the plan deletes is deleted
//!    only while no tag outside the plan points at it (else its tags are untagged one by one).
//! 2. Each step (untag one tag, or delete one image with its tags) re-checks right before it
//!    acts: an untag is pinned to the planned digest, an image's tags are resolved again.
//! 3. Before each change a journal line (repository, tag, digest, media type, manifest bytes)
//!    is written and flushed, so `berth undo` can put back whatever was done.
//! 4. Afterwards the repository is listed again and compared with the plan: every kept tag on
//!    its planned digest, every removed tag gone (and every deleted untagged image).
//! Untagged images the plan deletes go after the tags, each only while the server still lists
//! it as untagged right before (a tag pushed onto it since keeps it), journalled without a tag.
//! At most MaxInFlight steps run at once; cancel() stops between steps (the journal stays
//! true: a line is only written for a change that is started).
class CleanupRun final : public ResultJob<CleanupOutcome>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CleanupRun)
public:
    static constexpr int MaxInFlight = 4;

    //! plan must be final (CleanupPlan::isFinal()); registry names the server in the journal.
    CleanupRun(MetadataService *service, TagOperations *operations, const CleanupPlan &plan,
               const QString &registry, const QString &journalPath, QObject *parent);

    //! Removals (tags, and untagged images) dealt with: removed, skipped or failed.
    int removalsDone() const { return m_removalsDone; }
    //! Removals in the plan: the tags it removes and the untagged images it deletes.
    int removalCount() const { return m_removalCount; }

Q_SIGNALS:
    void progressed();

private:
    struct Step
    {
        QString digest;
        QStringList tags; //!< empty for an untagged image
        bool deleteImage = false;
    };

    void checkBeforeRun();
    void planSteps(const QHash<QString, QString> &now);
    void runNext();
    void runStep(const Step &step);
    void runStepByDigest(const Step &step);
    void runUntaggedStep(const Step &step);
    //! Journals the step's tags, then acts; unchecked: tags of an image to delete that were not
    //! yet checked to be on it right now.
    void act(const Step &step, const FetchedManifest &manifest, const QStringList &unchecked);
    void untag(const Step &step);
    void deleteImage(const Step &step, const QStringList &unchecked);
    void deleteManifest(const Step &step);
    void stepDone(int tags);
    void verify();
    void verifyUntagged();

    QPointer<MetadataService> m_service;
    QPointer<TagOperations> m_operations;
    CleanupPlan m_plan;
    QString m_registry;
    JournalWriter m_journal;
    QList<Step> m_steps;
    qsizetype m_next = 0;
    int m_running = 0;
    int m_removalsDone = 0;
    int m_removalCount = 0;
    CleanupOutcome m_outcome;
};

} // namespace Berth
