#pragma once

#include "models/metadata/metadataservice.h"
#include "net/backend/registrybackend.h"
#include "net/core/error.h"
#include "net/formats/harbortaginfo.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>
#include <QSet>

#include <array>
#include <vector>

class QTimer;

namespace Berth {

class Pager;
class RegistryBackend;

//! The lazy tag table. Rows are tags, appended a page at a time through canFetchMore()/
//! fetchMore(); metadata (digest, size, created, platforms, kind) is asked for only for the rows
//! the view reports visible, plus a margin, and applied in batches.
class TagTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagTableModel)
public:
    enum Column {
        TagColumn,
        DigestColumn,
        SizeColumn,
        CreatedColumn,
        PlatformsColumn,
        KindColumn,
        SharedColumn,
        // Harbor's columns (hasHarborColumns()); views hide them for plain registries.
        PushedColumn,
        PulledColumn,
        LabelsColumn,
        VulnerabilitiesColumn,
        ImmutableColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        //! Raw value to sort by: QString tag, qint64 size, qint64 msecs since epoch, int shared.
        SortRole = Qt::UserRole + 1,
        TagRole,
        DigestRole,    //!< full digest, empty until resolved
        PlatformsRole, //!< QStringList "os/arch[/variant]"
        LoadStateRole, //!< LoadState
        ErrorRole,     //!< why this row's metadata failed, empty otherwise
        SizeRole,      //!< qint64 bytes, -1 unknown
        CreatedRole,   //!< QDateTime (UTC), invalid unknown
        KindRole,      //!< "image", "index", ...
        MediaTypeRole,
        PushedRole,          //!< QDateTime (UTC), invalid unknown (Harbor)
        PulledRole,          //!< QDateTime (UTC), invalid = never or unknown (Harbor)
        LabelsRole,          //!< QStringList of label names (Harbor)
        VulnerabilitiesRole, //!< QVariant::fromValue(VulnerabilitySummary) (Harbor)
        ImmutableRole,       //!< bool (Harbor)
        HasExtrasRole,       //!< bool: the Harbor columns of this row are known
    };
    Q_ENUM(Role)

    enum class LoadState : quint8 {
        NotLoaded, //!< nothing known yet
        Loading,   //!< a request is in flight
        Cached,    //!< shown from the disk cache, not yet confirmed by the registry
        Loaded,
        Failed,
    };
    Q_ENUM(LoadState)

    explicit TagTableModel(QObject *parent = nullptr);
    ~TagTableModel() override;

    //! Shows repository of service's backend; resets the model and cancels what was in flight.
    void setRepository(MetadataService *service, const QString &repository);
    QString repository() const { return m_repository; }
    //! Starts over: cancels, drops late answers, lists again.
    void refresh();

    //! True when the backend knows Harbor's extras (pushed, pulled, labels, vulnerabilities,
    //! immutable): the Harbor columns have data. Views hide those columns otherwise.
    bool hasHarborColumns() const;
    static bool isHarborColumn(int column)
    {
        return column >= PushedColumn && column < ColumnCount;
    }
    //! True when the backend sorts and filters tags itself (setTagQuery() is then cheap).
    bool supportsServerSort() const;
    //! Lists again in the server's order and filter (Harbor 2.x; the plain listing elsewhere).
    void setTagQuery(const TagQuery &query);
    TagQuery tagQuery() const { return m_query; }
    //! Empties the model.
    void clear();

    // QAbstractItemModel
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent = {}) const override;
    void fetchMore(const QModelIndex &parent = {}) override;

    //! The view's visible rows (inclusive). Metadata is requested for these at Visible priority
    //! and for one screen above and below at Prefetch; requests for rows far away are cancelled.
    void setVisibleRows(int first, int last);
    //! The same for a sorted or filtered view, where the rows on screen are scattered over the
    //! source: visible rows get Visible priority, prefetch rows (about a screen around them in
    //! the view's order) Prefetch; requests for every other row are cancelled.
    void setVisibleSourceRows(const QList<int> &visible, const QList<int> &prefetch);
    //! Asks again for a row whose metadata failed.
    void retryRow(int row);
    //! Requests metadata of every row (fetching all pages first) at Background priority, with
    //! bounded concurrency: for sorting by a metadata column. Progress via metadataProgress().
    void loadAllMetadata();
    void cancelLoadAll();
    bool isLoadingAll() const { return m_loadAll; }
    //! Fetches every remaining page (filtering needs every name).
    void fetchAll();

    int rowOfTag(const QString &tag) const;
    //! Removes a row (after a delete). Returns false when the tag is not loaded.
    bool removeTag(const QString &tag);
    //! Adds a tag that was just created (after a retag) and asks for its metadata.
    void addTag(const QString &tag);

    bool isFetchingPage() const;
    bool isAtEnd() const { return m_atEnd; }
    //! Total tags when the server said (or the whole list is known); -1 otherwise.
    qint64 totalCount() const;
    //! "1,200 of 5,000" or "1,200+" while the total is unknown.
    QString countText() const;
    //! Rows with metadata (Loaded or Cached) / rows. For the status line.
    int rowsWithMetadata() const { return m_rowsWithMetadata; }
    //! Rows in a state; e.g. Loaded + Failed = rows done for a full load.
    int rowsInState(LoadState state) const { return stateCount(state); }
    int metadataRequestsInFlight() const { return int(m_inFlight.size()); }
    Error lastError() const { return m_lastError; }
    //! True when the listing failed and the rows come from the disk cache's last known state.
    bool isOffline() const { return m_offline; }

    //! Coalescing interval for dataChanged batches and visible-range requests (tests use 0).
    void setBatchInterval(int ms);

Q_SIGNALS:
    void loadingChanged(bool loading);
    void pageFetched(int first, int count, qint64 total);
    void fetchFailed(const Berth::Error &error);
    void countsChanged();
    void metadataProgress(int done, int total);
    void offlineChanged(bool offline);

private:
    struct Row
    {
        QString tag;
        qint32 digestId = -1; //!< index into m_digests
        LoadState state = LoadState::NotLoaded;
    };
    struct DigestInfo
    {
        QString digest;
        MetadataService::MetadataPtr metadata;
        QString platformsText; //!< interned "linux/amd64, linux/arm64"
        int loadedTags = 0;    //!< rows pointing here (the Shared column)
    };

    void resetState();
    void startPager();
    void onPage(quint64 generation, const QStringList &names);
    void onPageFailed(quint64 generation, const Error &error);
    void appendRows(const QStringList &names);
    void applyCachedTags(int first, int last);
    void scheduleVisibleUpdate();
    void updateRequests();
    void requestRow(int row, Priority priority);
    void ensureRequested(int row, Priority priority);
    void cancelOutside(const QSet<int> &window);
    void onMetadata(quint64 generation, int row, const QString &tag,
                    const Result<MetadataService::TagMetadata> &result);
    void setRowDigest(int row, const QString &digest, const MetadataService::MetadataPtr &metadata);
    void setState(int row, LoadState state);
    int stateCount(LoadState state) const { return m_stateCounts[size_t(state)]; }
    void markChanged(int row);
    void flushChanges();
    void pumpLoadAll();
    int findRow(int hint, const QString &tag) const;
    QString errorFor(int row) const { return m_errors.value(row); }
    QVariant displayData(const Row &row, const DigestInfo *info, int column) const;
    QVariant sortData(const Row &row, const DigestInfo *info, int column) const;
    QVariant harborDisplayData(const HarborTagExtras *extras, int column) const;
    QVariant harborSortData(const HarborTagExtras *extras, int column) const;
    const HarborTagExtras *extrasOf(const Row &row) const;
    void requestExtras(int row, Priority priority);
    void ensureExtras(int row, Priority priority);

    QPointer<MetadataService> m_service;
    QString m_repository;
    QPointer<Pager> m_pager;
    quint64 m_generation = 0;
    TagQuery m_query;

    // Harbor extras by tag (sparse: pages that carried them and visible rows asked for).
    QHash<QString, HarborTagExtras> m_extras;
    QSet<QString> m_extrasInFlight;
    QSet<QString> m_extrasFailed;
    OwnerId m_extrasOwner = 0;

    std::vector<Row> m_rows;
    std::vector<DigestInfo> m_digests;
    QHash<QString, qint32> m_digestIds;
    QHash<QString, QString> m_cachedTags; //!< disk cache: tag -> digest, for instant fill
    QHash<int, QString> m_errors;         //!< row -> reason (sparse)
    QHash<int, MetadataService::RequestId> m_inFlight; //!< row -> request
    QHash<int, Priority> m_inFlightPriority;

    bool m_atEnd = false;
    bool m_pageInFlight = false;
    bool m_failed = false;
    bool m_offline = false;
    bool m_fetchAll = false;
    Error m_lastError;
    int m_rowsWithMetadata = 0;
    std::array<int, 5> m_stateCounts{}; //!< rows per LoadState, kept by setState()

    int m_visibleFirst = -1;
    int m_visibleLast = -1;
    //! Set by setVisibleSourceRows(); used instead of the first..last range when not empty.
    QList<int> m_visibleList;
    QList<int> m_prefetchList;
    QTimer *m_visibleTimer;

    QSet<int> m_changed;
    QTimer *m_changeTimer;

    bool m_loadAll = false;
    int m_loadAllNext = 0;
    int m_loadAllDone = 0;
};

} // namespace Berth
