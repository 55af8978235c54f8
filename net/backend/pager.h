#pragma once

#include "net/core/error.h"
#include "net/formats/harbortaginfo.h"

#include <QHash>
#include <QObject>
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

Q_SIGNALS:
    //! Sent just before the pageReady() it belongs to by pagers that learn more than names
    //! with a page (Harbor's artifact listing): tag -> extras, for some or all of its names.
    void extrasReady(const QHash<QString, Berth::HarborTagExtras> &extras);
    void pageReady(const QStringList &names);
    void failed(const Berth::Error &error);
};

} // namespace Berth
