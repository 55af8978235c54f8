#include "net/core/job.h"

#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace Berth {

Job::Job(Priority priority, QObject *parent)
    : QObject(parent)
    , m_priority(priority)
{}

Job::~Job()
{
    // Destroyed unfinished (its parent went): what it waited on stops too, silently.
    if (!m_finished) {
        m_finished = true;
        for (const QPointer<Job> &child : std::as_const(m_children)) {
            if (child)
                child->cancel();
        }
    }
}

void Job::setPriority(Priority priority)
{
    if (m_finished || m_priority == priority)
        return;
    m_priority = priority;
    for (const QPointer<Job> &child : std::as_const(m_children)) {
        if (child)
            child->setPriority(priority);
    }
    onPriorityChanged(priority);
}

void Job::cancel()
{
    if (m_finished)
        return;
    onCancel();
    failBy(Error(ErrorCode::Cancelled, u"cancelled"_s));
}

Error Job::abandonedError()
{
    return Error(ErrorCode::Cancelled, u"cancelled: the work it waited on was stopped"_s);
}

void Job::failBy(const Error &error)
{
    if (m_finished)
        return;
    recordFailure(error);
    finishJob(error);
}

void Job::finishJob(const Error &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = error;
    const QList<QPointer<Job>> children = std::exchange(m_children, {});
    for (const QPointer<Job> &child : children) {
        if (child)
            child->cancel();
    }
    if (m_continuing) {
        // Already in the event loop, delivering a sub-job's end: the maker of this job has
        // connected long ago. One turn per step would add up (a row's metadata is ~6 steps).
        announce();
        return;
    }
    // From the event loop: a caller connects to finished() after the call that made the job,
    // and one that cancels inside a loop over its jobs is never re-entered.
    QMetaObject::invokeMethod(this, &Job::announce, Qt::QueuedConnection);
}

void Job::announce()
{
    m_announced = true;
    Q_EMIT finished();
    deleteLater();
}

void Job::adopt(Job *child)
{
    m_children.append(child);
    child->setPriority(m_priority);
}

void Job::release(Job *child)
{
    m_children.removeAll(child);
}

} // namespace Berth
