#pragma once

#include "net/core/error.h"
#include "net/core/priority.h"

#include <QList>
#include <QObject>
#include <QPointer>

#include <memory>
#include <utility>

namespace Berth {

//! A handle on one piece of asynchronous work: an HTTP request, a manifest with its config, a
//! retag. What every job promises (libQuotient's BaseJob's promises):
//! - finished() comes exactly once, always from the event loop (never inside the call that made
//!   the job), and then the job deletes itself (deleteLater()): hold it in a QPointer. A job that
//!   ends in one of its continuations (a sub-job's end) announces it right there, as a callback
//!   chain would: steps of a job cost no event-loop turn each.
//! - cancel() ends it at once with ErrorCode::Cancelled and stops what it waits on.
//! - setPriority() moves what it waits on in the scheduler's queue.
//! - A job destroyed before it finished (its parent went) stops what it waits on and emits
//!   nothing; a job that waited on it ends with Cancelled.
//! Work of several steps reads as steps: each step starts a sub-job with awaitJob(), and the
//! continuation given there is the next step. Sub-jobs follow the job's priority and are
//! cancelled with it. A job holds no network code itself: it is a handle every layer may pass on.
class Job : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Job)
public:
    ~Job() override;

    Priority priority() const { return m_priority; }
    //! Re-prioritises the job and every sub-job it waits on.
    void setPriority(Priority priority);
    //! Ends the job with ErrorCode::Cancelled unless it already finished.
    void cancel();
    bool isFinished() const { return m_finished; }
    //! The outcome once finished: ErrorCode::None for success.
    const Error &error() const { return m_error; }

Q_SIGNALS:
    void finished();

protected:
    Job(Priority priority, QObject *parent);

    //! Ends the job (error, or none for success); later calls are ignored. Sub-jobs still
    //! running are cancelled; finished() follows from the event loop.
    void finishJob(const Error &error);

    //! Runs next(child->result()) when child finishes, unless this job finished first. child
    //! follows this job's priority and is cancelled with it.
    template<typename Child, typename Next>
    void awaitJob(Child *child, Next next)
    {
        adopt(child);
        watch(child, [this, child, next = std::move(next)]() mutable {
            release(child);
            next(child->result());
        });
    }
    //! Like awaitJob() for a job shared with others (a ping, a per-digest fetch): this job
    //! neither cancels nor re-prioritises it. Join a shared job only while !isFinished().
    template<typename Child, typename Next>
    void followJob(Child *child, Next next)
    {
        watch(child, [child, next = std::move(next)]() mutable { next(child->result()); });
    }

    //! done(job->result()) on context when job finishes, unless context is gone by then: what
    //! the typed jobs' onFinished() do.
    template<typename Self, typename Done>
    static void callWithResult(Self *job, QObject *context, Done done)
    {
        connect(job, &Job::finished, context,
                [job, done = std::move(done)]() mutable { done(job->result()); });
    }

    //! For jobs that hold something themselves (a reply, a place in a shared fetch).
    virtual void onPriorityChanged(Priority priority) { Q_UNUSED(priority) }
    //! Called once by cancel(), before the job ends with Cancelled.
    virtual void onCancel() {}
    //! The job ends with error without its maker saying so (cancelled, abandoned): typed jobs
    //! record it as their result.
    virtual void recordFailure(const Error &error) { Q_UNUSED(error) }

private:
    void adopt(Job *child);
    void release(Job *child);
    void failBy(const Error &error);
    void announce();
    //! Calls done when child finishes (unless this job finished first); a child destroyed
    //! unfinished ends this job with Cancelled.
    template<typename Done>
    void watch(Job *child, Done done)
    {
        // A job that already announced its end is being deleted: nothing to wait for. Shared
        // jobs are only joined while !isFinished().
        Q_ASSERT(!child->m_announced);
        auto ended = std::make_shared<bool>(false);
        connect(child, &Job::finished, this, [this, ended, done = std::move(done)]() mutable {
            *ended = true;
            if (m_finished)
                return;
            // A handler of this job's end may delete what owns it: the flag is only reset on
            // a job that still exists.
            const QPointer<Job> self(this);
            m_continuing = true;
            done();
            if (self)
                m_continuing = false;
        });
        connect(child, &QObject::destroyed, this, [this, ended] {
            if (!*ended)
                failBy(abandonedError());
        });
    }
    static Error abandonedError();

    QList<QPointer<Job>> m_children;
    Priority m_priority;
    Error m_error;
    bool m_finished = false;
    bool m_announced = false; //!< finished() was emitted
    //! A continuation of this job runs (a sub-job's end, delivered from the event loop): the job
    //! was made before, so its end may be announced at once instead of one more turn later.
    bool m_continuing = false;
};

//! A job with a typed outcome: what calls into net/ (and models' services) return.
template<typename T>
class ResultJob : public Job
{
public:
    //! The outcome; Cancelled until the job finished.
    const Result<T> &result() const { return m_result; }

    //! done(result()) on context when the job finishes, unless context is gone by then.
    template<typename Done>
    ResultJob *onFinished(QObject *context, Done done)
    {
        callWithResult(this, context, std::move(done));
        return this;
    }

protected:
    ResultJob(Priority priority, QObject *parent)
        : Job(priority, parent)
    {}
    //! Ends the job with result; ignored once finished.
    void finish(Result<T> result)
    {
        if (isFinished())
            return;
        m_result = std::move(result);
        finishJob(m_result.error());
    }
    void recordFailure(const Error &error) override { m_result = Result<T>(error); }

private:
    Result<T> m_result{Error(ErrorCode::Cancelled, QStringLiteral("cancelled"))};
};

//! A ResultJob put together by the code that makes it, from other jobs: a client's call is a
//! request and a parse, an operation a few steps. Only its maker calls await(), follow() and
//! finish(); everyone else sees a ResultJob.
template<typename T>
class Task final : public ResultJob<T>
{
public:
    Task(Priority priority, QObject *parent)
        : ResultJob<T>(priority, parent)
    {}

    using ResultJob<T>::finish;
    void fail(const Error &error) { finish(Result<T>(error)); }
    template<typename Child, typename Next>
    void await(Child *child, Next next)
    {
        this->awaitJob(child, std::move(next));
    }
    template<typename Child, typename Next>
    void follow(Child *child, Next next)
    {
        this->followJob(child, std::move(next));
    }
};

//! A job that ends with error from the event loop (refused input).
template<typename T>
ResultJob<T> *failedJob(const Error &error, QObject *parent)
{
    auto *task = new Task<T>(Priority::Interactive, parent);
    task->fail(error);
    return task;
}

//! A job that ends with result from the event loop (an answer from memory).
template<typename T>
ResultJob<T> *finishedJob(Result<T> result, QObject *parent)
{
    auto *task = new Task<T>(Priority::Interactive, parent);
    task->finish(std::move(result));
    return task;
}

} // namespace Berth
