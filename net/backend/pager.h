#pragma once

#include "net/core/error.h"
#include "net/core/job.h"
#include "net/formats/tagextras.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

namespace Berth {

//! Hands out a listing (tags of a repository, repositories of a registry) a page at a time,
//! whatever the server does: real paging (Link / last / page=N) or everything at once (then the
//! body is parsed off the GUI thread and pages are handed out from memory, one per fetchNext()).
class Pager : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    //! Starts fetching the next page. Does nothing while a page is in flight or at the end.
    //! Ends with exactly one pageReady() or failed() from the event loop (never synchronously).
    virtual void fetchNext() = 0;
    virtual bool hasMore() const = 0;
    virtual bool isFetching() const = 0;
    //! The total when the server says it (Harbor's X-Total-Count, or a full list in memory);
    //! -1 when unknown.
    virtual qint64 totalCount() const = 0;
    //! Cancels the page in flight; no signal follows for it.
    virtual void cancel() = 0;
    //! Rows per page handed out (the server may be asked for the same number).
    virtual void setPageSize(int n) = 0;
    //! True once the server sent its whole listing in one response (a registry that ignores
    //! `n`): every name is in memory and takeRemaining() can hand the rest over at once.
    virtual bool holdsWholeList() const { return false; }
    //! The names received and not handed out yet, taken out of the pager; afterwards hasMore()
    //! says only whether the server has more pages.
    virtual QStringList takeRemaining() { return {}; }

Q_SIGNALS:
    //! Sent just before the pageReady() it belongs to by pagers that learn more than names
    //! with a page (Harbor's artifact listing): tag -> extras, for some or all of its names.
    void extrasReady(const QHash<QString, Berth::TagExtras> &extras);
    void pageReady(const QStringList &names);
    void failed(const Berth::Error &error);

protected:
    //! Keeps job (a request for a page) so that cancelJobs() can stop it; returns it.
    template<typename J>
    J *track(J *job)
    {
        m_jobs.removeAll(nullptr);
        m_jobs.append(job);
        return job;
    }
    //! Cancels every tracked job still running. Their ends still arrive: pagers drop them by
    //! generation.
    void cancelJobs()
    {
        const QList<QPointer<Job>> jobs = std::exchange(m_jobs, {});
        for (const QPointer<Job> &job : jobs) {
            if (job)
                job->cancel();
        }
    }

private:
    QList<QPointer<Job>> m_jobs;
};

} // namespace Berth
