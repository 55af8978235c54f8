#pragma once

#include "models/metadata/metadataservice.h"
#include "models/metadata/requestpump.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>

class QAbstractProxyModel;
class QTimer;

namespace Berth {

class TagTableModel;

//! Keeps metadata (and the Harbor extras) coming for the rows of a TagTableModel that a person
//! sees, in the shape of Dolphin's KFileItemModelRolesUpdater: the view reports its visible
//! range; the updater asks the MetadataService for those rows at Visible priority and for one
//! screen above and below (in the view's order) at Prefetch, and cancels requests for rows that
//! left that window, or demotes them when a full load still wants them. Reports are coalesced by
//! one timer, so a fling through 10,000 rows costs about one window of requests.
//!
//! A full load (loadAll(), for sorting by a metadata column) walks every row at Background
//! priority with a bounded number of requests in flight (RequestPump), fetching every page of
//! names first; its progress is loadAllProgress().
//!
//! Results go into the model (rows, data(), batched dataChanged are the model's).
class MetadataUpdater final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetadataUpdater)
public:
    //! A child of model; the model tells it about new, removed and reset rows.
    explicit MetadataUpdater(TagTableModel *model);
    ~MetadataUpdater() override;

    //! The view's visible rows first..last (inclusive), in the order of view (a sort or filter
    //! proxy over the model; null = the model's own order). The window is computed when the
    //! coalescing timer fires, in view's order of that moment.
    void setVisibleRange(int first, int last, const QAbstractProxyModel *view = nullptr);
    //! The view shows no rows.
    void clearVisibleRange();

    //! Asks again for a row whose metadata failed (Interactive).
    void retryRow(int row);
    //! Asks for a row at once (a tag just created), Interactive.
    void requestRow(int row);

    //! Requests metadata of every row (every page of names first) at Background priority.
    void loadAll();
    void cancelLoadAll();
    bool isLoadingAll() const { return m_loadAll; }

    int requestsInFlight() const { return int(m_requests.size()); }
    //! The model rows on screen at the last update (the model repaints their Shared column).
    const QList<int> &visibleRows() const { return m_visibleRows; }
    //! Coalescing interval of visible-range reports (tests use 0: at once).
    void setInterval(int ms);

    //! Full loads keep this many Background requests in flight. The scheduler runs 6 per host;
    //! 16 keeps it fed while visible rows, at a higher priority, still go first.
    static constexpr int LoadAllConcurrency = 16;
    //! Roughly one frame at 60 Hz: a fast scroll reports dozens of ranges; only where it stops
    //! is asked for.
    static constexpr int DefaultIntervalMs = 16;

Q_SIGNALS:
    //! Rows done (Loaded or Failed) of all rows, during a full load and once when it ends.
    void loadAllProgress(int done, int total);

private:
    friend class TagTableModel;
    //! The model's notifications.
    void reset(MetadataService *service, const QString &repository);
    void rowsAppended(int first);
    void rowRemoved(int row, const QString &tag);

    struct Request
    {
        QPointer<ResultJob<MetadataService::TagMetadata>> job;
        int rowHint = -1; //!< where the tag was when asked (findRow() checks it)
        Priority priority = Priority::Visible;
    };

    void cancelAll();
    void schedule();
    void update();
    //! Visible and prefetch model rows for the current range, in view order.
    void window(QList<int> *visible, QList<int> *prefetch) const;
    void cancelOutside(const QSet<int> &window);
    void ensureRequested(int row, Priority priority);
    void request(int row, Priority priority);
    void onMetadata(const QString &tag, const Result<MetadataService::TagMetadata> &result);
    void cancelRequest(const QString &tag);
    void ensureExtras(int row, Priority priority);
    void pumpLoadAll();
    int backgroundRequests() const;

    TagTableModel *m_model;
    QPointer<MetadataService> m_service;
    QString m_repository;

    int m_first = -1; //!< visible range in the view's order; -1 = none
    int m_last = -1;
    QPointer<const QAbstractProxyModel> m_view;
    bool m_hasView = false;
    QTimer *m_timer;
    int m_intervalMs = DefaultIntervalMs;
    QList<int> m_visibleRows;

    QHash<QString, Request> m_requests; //!< tag -> its metadata request
    QHash<QString, QPointer<ResultJob<TagExtras>>> m_extrasRequests;
    QSet<QString> m_extrasFailed; //!< not asked again until the listing starts over

    bool m_loadAll = false;
    RequestPump m_loadAllPump{LoadAllConcurrency};
};

} // namespace Berth
