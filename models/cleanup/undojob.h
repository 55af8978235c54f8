#pragma once

#include "models/cleanup/cleanupjournal.h"
#include "net/core/job.h"

#include <QPointer>

namespace Berth {

class RegistryBackend;

//! What undoing a journal did (or, as a dry run, would do), per tag.
struct UndoOutcome
{
    QStringList restored;     //!< "tag -> digest": put back (dry run: can be put back)
    QStringList alreadyThere; //!< the tag points at its digest already
    QStringList unrestorable; //!< "tag: why": a blob or child manifest was collected, ...
    QStringList failed;       //!< "tag: error"
    bool ok() const { return unrestorable.isEmpty() && failed.isEmpty(); }
};

//! Puts each manifest of a clean-up journal back under its tag: the entry's bytes are checked
//! against its digest, then every blob (config, layers) or child manifest it needs is looked up
//! (a deleted image can come back only until garbage collection takes them), then the bytes are
//! PUT under the tag and the registry's digest compared. dryRun stops before the PUT. Entries run
//! MaxInFlight at a time; one that cannot be restored does not stop the others.
class UndoJob final : public ResultJob<UndoOutcome>
{
    Q_DISABLE_COPY_MOVE(UndoJob)
public:
    static constexpr int MaxInFlight = 4;

    UndoJob(RegistryBackend *backend, const Journal &journal, bool dryRun, QObject *parent);

private:
    void runNext();
    void restore(const JournalEntry &entry);
    void checkBlobs(const JournalEntry &entry);
    void put(const JournalEntry &entry);
    void entryDone();

    QPointer<RegistryBackend> m_backend;
    Journal m_journal;
    bool m_dryRun;
    qsizetype m_next = 0;
    int m_running = 0;
    UndoOutcome m_outcome;
};

} // namespace Berth
