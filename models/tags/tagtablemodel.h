#pragma once

#include "models/metadata/metadataservice.h"
#include "net/core/error.h"
#include "net/core/tagquery.h"
#include "net/formats/tagextras.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QSet>

#include <array>
#include <vector>

class QTimer;

namespace Berth {

class MetadataUpdater;
class Pager;

//! The lazy tag table. Rows are tags, appended a page at a time through canFetchMore()/
//! fetchMore() from the backend's pager. Metadata (digest, size, created, platforms, kind) and
//! Harbor's extras are asked for by the model's MetadataUpdater, only for the rows the view
//! reports visible plus a margin; the model keeps rows, their states and what arrived, and tells
//! the view in batches (one dataChanged per contiguous range per 16 ms).
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
        //! bool: the server listed a name outside the tag grammar; shown, never acted on
        InvalidNameRole,
        //! the digest the listing named for the tag (Harbor's artifacts), before any metadata
        //! was asked for; empty when the listing names none
        ListedDigestRole,
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

    //! Shows repository through service; resets the model and cancels what was in flight.
    void setRepository(MetadataService *service, const QString &repository);
    QString repository() const { return m_repository; }
    //! Shows the disk cache's last known state of repository, offline, without listing (the
    //! registry cannot be reached: a listing would only wait for its failure).
    void showLastKnownState(MetadataService *service, const QString &repository);
    //! Starts over: cancels, drops late answers, lists again.
    void refresh();
    //! Empties the model.
    void clear();

    //! Keeps metadata coming for what the view shows (visible range, full loads).
    MetadataUpdater *updater() const { return m_updater; }

    //! True when the registry knows Harbor's extras (pushed, pulled, labels, vulnerabilities,
    //! immutable): the Harbor columns have data. Views hide those columns otherwise.
    bool hasHarborColumns() const;
    static bool isHarborColumn(int column)
    {
        return column >= PushedColumn && column < ColumnCount;
    }
    //! True when the registry sorts and filters tags itself (setTagQuery() is then cheap).
    bool supportsServerSort() const;
    //! Lists again in the server's order and filter (Harbor 2.x; the plain listing elsewhere).
    void setTagQuery(const TagQuery &query);
    TagQuery tagQuery() const { return m_query; }

    // QAbstractItemModel
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent = {}) const override;
    void fetchMore(const QModelIndex &parent = {}) override;

    //! Fetches every remaining page (filtering needs every name).
    void fetchAll();

    int rowOfTag(const QString &tag) const;
    //! Removes a row (after a delete). Returns false when the tag is not loaded.
    bool removeTag(const QString &tag);
    //! Adds a tag that was just created (after a retag) and asks for its metadata.
    void addTag(const QString &tag);

    bool isFetchingPage() const { return m_pageInFlight; }
    //! True when the rows are in natural tag order (naturalCompare), ascending: the server sent
    //! its whole list at once, which was sorted off the GUI thread before the first row was
    //! handed out, so rows only ever join at the end and the top of the table is final. False
    //! for a paging server (its own order, page by page).
    bool rowsInTagOrder() const { return m_rowsInTagOrder; }
    bool isAtEnd() const { return m_atEnd; }
    //! Total tags when the server said (or the whole list is known); -1 otherwise.
    qint64 totalCount() const;
    //! "1,200 of 5,000" or "1,200+" while the total is unknown.
    QString countText() const;
    //! Rows with metadata (Loaded or Cached) / rows. For the status line.
    int rowsWithMetadata() const { return m_rowsWithMetadata; }
    //! Rows in a state; e.g. Loaded + Failed = rows done for a full load.
    int rowsInState(LoadState state) const { return m_stateCounts[size_t(state)]; }
    Error lastError() const { return m_lastError; }
    //! True when the listing failed and the rows come from the disk cache's last known state.
    bool isOffline() const { return m_offline; }

    //! Coalescing interval for dataChanged batches and the updater's reports (tests use 0).
    void setBatchInterval(int ms);

Q_SIGNALS:
    void loadingChanged(bool loading);
    void pageFetched(int first, int count, qint64 total);
    void fetchFailed(const Berth::Error &error);
    void countsChanged();
    void offlineChanged(bool offline);

private:
    friend class MetadataUpdater;
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

    // For MetadataUpdater: what a row is, and what its requests found.
    const QString &tagAt(int row) const { return m_rows[size_t(row)].tag; }
    LoadState stateAt(int row) const { return m_rows[size_t(row)].state; }
    int findRow(int hint, const QString &tag) const;
    void markLoading(int row);
    void markNotLoaded(int row);
    void clearFailure(int row);
    void applyMetadata(int row, const Result<MetadataService::TagMetadata> &result);
    //! Shows the disk cache's last known digest and metadata of a row not asked for yet.
    void showCachedState(int row);
    bool hasExtras(const QString &tag) const { return m_extras.contains(tag); }
    void setExtras(int rowHint, const QString &tag, const TagExtras &extras);
    void stopFetchAll() { m_fetchAll = false; }

    void resetState();
    //! Resets the model to repository of service with what the disk cache knows of it; lists
    //! nothing yet.
    void switchTo(MetadataService *service, const QString &repository);
    void startPager();
    void onPage(quint64 generation, const QStringList &names);
    void sortWholeList(quint64 generation, QStringList names);
    void handOutSorted(quint64 generation);
    void onPageFailed(quint64 generation, const Error &error);
    void showOfflineState();
    void appendRows(const QStringList &names);
    void setRowDigest(int row, const QString &digest, const MetadataService::MetadataPtr &metadata);
    void setState(int row, LoadState state);
    void markChanged(int row);
    void flushChanges();
    void emitSharedChanged();
    QString errorFor(int row) const { return m_errors.value(row); }
    QVariant displayData(const Row &row, const DigestInfo *info, int column) const;
    QVariant sortData(const Row &row, const DigestInfo *info, int column) const;
    QVariant toolTipData(const Row &row, const DigestInfo *info, const QModelIndex &index) const;
    QVariant roleData(const Row &row, const DigestInfo *info, const QModelIndex &index,
                      int role) const;
    const TagExtras *extrasOf(const Row &row) const;

    QPointer<MetadataService> m_service;
    MetadataUpdater *m_updater;
    QString m_repository;
    QPointer<Pager> m_pager;
    quint64 m_generation = 0;
    TagQuery m_query;

    // Harbor extras by tag (sparse: pages that carried them and visible rows asked for).
    QHash<QString, TagExtras> m_extras;

    std::vector<Row> m_rows;
    std::vector<DigestInfo> m_digests;
    QHash<QString, qint32> m_digestIds;
    QHash<QString, QString> m_cachedTags; //!< disk cache: tag -> digest, for instant fill
    QHash<int, QString> m_errors;         //!< row -> reason (sparse)

    bool m_atEnd = false;
    bool m_pageInFlight = false;
    bool m_failed = false;
    bool m_offline = false;
    bool m_fetchAll = false;
    bool m_rowsInTagOrder = false;
    //! A whole listing, sorted, handed out from memory (m_sortedNext is the next to hand out).
    QStringList m_sortedNames;
    qsizetype m_sortedNext = 0;
    Error m_lastError;
    int m_rowsWithMetadata = 0;
    std::array<int, 5> m_stateCounts{}; //!< rows per LoadState, kept by setState()

    QSet<int> m_changed;
    QTimer *m_changeTimer;
    int m_batchIntervalMs;
    QElapsedTimer m_sinceFlush; //!< since the last dataChanged batch
};

} // namespace Berth
