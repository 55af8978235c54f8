#pragma once

#include "net/core/error.h"

#include <QDateTime>
#include <QMap>
#include <QObject>
#include <QStringList>

#include <functional>

namespace Berth {

class Pager;

//! Harbor's per-tag facts that a plain registry does not have. They become the report columns
//! pushed, pulled, labels, vulnerabilities.
struct TagExtras
{
    QDateTime pushed;   //!< invalid = unknown
    QDateTime pulled;   //!< invalid = never pulled (Harbor's Go zero time) or unknown
    QStringList labels; //!< Harbor label names
    //! Severity -> count from the scan overview ("Critical" -> 1); empty when not scanned.
    QMap<QString, int> vulnerabilities;
    bool scanned = false;
};

//! Where a ReportJob gets TagExtras from. The Harbor backend (or an adapter over it) implements
//! this; a plain registry has none and its reports have no Harbor columns.
class TagExtrasProvider
{
public:
    virtual ~TagExtrasProvider() = default;
    using Callback = std::function<void(Result<TagExtras>)>;
    //! Calls done exactly once on context (unless context dies first).
    virtual void fetchTagExtras(const QString &repository, const QString &tag, QObject *context,
                                Callback done)
            = 0;
    //! A tag pager whose pages bring the extras along (then fetchTagExtras() answers listed
    //! tags from memory: one request per page instead of one per tag); null = the job lists
    //! with the backend's plain pager and every tag is fetched on its own.
    virtual Pager *createTagPager(const QString &repository, QObject *parent)
    {
        Q_UNUSED(repository)
        Q_UNUSED(parent)
        return nullptr;
    }
    //! The job is over: drop what is held, cancel what is in flight.
    virtual void reset() {}
};

} // namespace Berth
