#pragma once

// A tag table over a SyntheticBackend (no registry process), and the waiting helpers the model
// tests share: tst_tagtablemodel_paging, tst_metadataupdater, tst_metadataservice,
// tst_tagfilterproxymodel.

#include "syntheticbackend.h"

#include "models/metadata/metadataservice.h"
#include "models/tags/metadataupdater.h"
#include "models/tags/tagtablemodel.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace Berth::Test {

inline QString syntheticRepository()
{
    return QStringLiteral("synthetic/app");
}

//! Runs the event loop until done() holds or timeoutMs passed; returns done(). Checked after
//! every event, so it returns as soon as the condition holds (no polling interval).
inline bool waitUntil(const std::function<bool()> &done, int timeoutMs = 30000)
{
    const QDeadlineTimer deadline(timeoutMs);
    // Something to wake the loop at the deadline when nothing else would.
    QTimer wake;
    wake.setSingleShot(true);
    wake.start(timeoutMs);
    while (!done() && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
    return done();
}

//! Lets what is due now run (zero-latency jobs, posted events, 0 ms timers) without waiting on
//! time: for checks that something did NOT happen.
inline void runPendingEvents(int turns = 10)
{
    for (int i = 0; i < turns; ++i) {
        QCoreApplication::processEvents();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
}

//! What a job ended with, kept after the job deleted itself: for tests that watch several
//! jobs at once (Test::waitFor() is for one).
template<typename T>
class Outcome
{
public:
    explicit Outcome(ResultJob<T> *job)
        : m_job(job)
    {
        job->onFinished(&m_context, [this](const Result<T> &result) { m_result = result; });
    }
    //! A watcher that goes away cancels what it still waits for, as the updater does with its
    //! requests (a test's services may go right after it).
    ~Outcome()
    {
        if (m_job && !m_job->isFinished())
            m_job->cancel();
    }
    Q_DISABLE_COPY_MOVE(Outcome)

    ResultJob<T> *job() const { return m_job; }
    bool isDone() const { return m_result.has_value(); }
    const Result<T> &result() const { return *m_result; }
    bool wait(int timeoutMs = 30000)
    {
        return waitUntil([this] { return isDone(); }, timeoutMs);
    }

private:
    QObject m_context;
    QPointer<ResultJob<T>> m_job;
    std::optional<Result<T>> m_result;
};

//! A synthetic backend, the metadata service over it and a tag table, with the model's and the
//! updater's timers at 0 (Dolphin's trick): nothing waits on time but the scripted latencies.
//! The tester goes first, then the model, the service, the backend (members in reverse).
struct SyntheticStack
{
    explicit SyntheticStack(MetadataCache *cache = nullptr)
        : service(&backend, cache)
    {
        model.setBatchInterval(0);
    }

    //! Puts the model under QAbstractItemModelTester for the rest of the test. The tester asks
    //! for the next page itself whenever rows are inserted, as a view may.
    void checkModel()
    {
        tester = std::make_unique<QAbstractItemModelTester>(
                &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    MetadataUpdater *updater() const { return model.updater(); }
    TagTableModel::LoadState stateOf(int row) const
    {
        return model.index(row, 0)
                .data(TagTableModel::LoadStateRole)
                .value<TagTableModel::LoadState>();
    }
    QString tagAt(int row) const
    {
        return model.index(row, 0).data(TagTableModel::TagRole).toString();
    }
    //! Shows the repository and waits until every page is listed.
    bool listAll(int timeoutMs = 30000)
    {
        model.setRepository(&service, syntheticRepository());
        model.fetchAll();
        return waitUntil([this] { return model.isAtEnd(); }, timeoutMs);
    }
    //! Every row of [first, last] is Loaded or Failed.
    bool rowsDone(int first, int last) const
    {
        for (int row = first; row <= last; ++row) {
            const TagTableModel::LoadState state = stateOf(row);
            if (state != TagTableModel::LoadState::Loaded
                && state != TagTableModel::LoadState::Failed)
                return false;
        }
        return true;
    }

    SyntheticBackend backend;
    MetadataService service;
    TagTableModel model;
    std::unique_ptr<QAbstractItemModelTester> tester;
};

//! Long enough that a job with it never ends during a test: what is in flight stays in flight.
inline constexpr int Held = 10 * 60 * 1000;

} // namespace Berth::Test
