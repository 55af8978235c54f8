#pragma once

#include "models/report/reportoptions.h"
#include "models/report/reportrow.h"
#include "models/report/reportwriter.h"

#include "models/metadata/metadataservice.h"
#include "models/metadata/requestpump.h"
#include "net/core/error.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QRegularExpression>

#include <memory>
#include <vector>

class QIODevice;
class QSaveFile;

namespace Berth {

class Pager;

//! Where a report stands, for a progress bar or a terminal line.
struct ReportProgress
{
    bool listing = false;   //!< still listing tag names (total unknown yet)
    qint64 listed = 0;      //!< tag names listed so far (after the filter)
    qint64 done = 0;        //!< tags whose metadata arrived (or failed)
    qint64 total = -1;      //!< tags in the report; -1 while listing
    double rate = 0;        //!< tags per second since metadata fetching started
    qint64 etaSeconds = -1; //!< -1 unknown
};

//! Produces one report: lists the repository's tags through the backend's tag pager (or takes
//! an explicit selection), filters them, fetches each tag's metadata (and on Harbor its extras:
//! pushed, pulled, labels, vulnerabilities) through the shared MetadataService (so the table's
//! cache and per-digest dedup serve the report too, and the requests run at Background priority
//! behind what a person is looking at), and streams rows to a ReportWriter.
//!
//! Harbor columns: on Harbor 2.x the whole-repository listing goes through the server-sorted
//! artifact listing, whose pages bring every tag's extras along (Pager::extrasReady); those are
//! kept (compact, one per listed tag) until the tag's row asks for them, so a listed tag costs no
//! request of its own. Selections, tags a page did not cover and Harbor 1.x ask the service per
//! tag.
//!
//! Memory: sorted by tag, rows are written in order as they complete; besides the tag names only
//! a window of ReorderWindow finished rows and MaxInFlight requests are held. Sorted by created,
//! size or pushed, every tag's metadata is needed before the first row: then one compact record
//! per tag (name + image id) and one compact ImageMetadata per distinct digest are kept, i.e.
//! bounded by distinct images, not by tags. The HTML summary keeps ReportSummary's aggregates.
//!
//! To a file (start()): written through QSaveFile into a temporary file beside the destination
//! and renamed over it only when complete; a cancel or an error leaves no file behind.
//! To a device (start(QIODevice*), the CLI's stdout): rows are written whole, one write each;
//! after an error the document stays unterminated and finished() carries the error.
//!
//! A tag that cannot be read (vanished, malformed manifest) becomes a row with an error and is
//! counted in failedTags(); network, auth and server errors end the job.
class ReportJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReportJob)
public:
    //! Metadata requests in flight at once. The scheduler runs 6 per host; 32 keeps its queue
    //! full (a tag costs a HEAD, and a new digest a few GETs more) without flooding it, and
    //! Background priority keeps the table's visible rows ahead of the report anyway.
    static constexpr int MaxInFlight = 32;
    //! Finished rows held while an earlier row is still in flight (tag order): 4x the requests
    //! in flight so one slow tag does not stall the others for long, and a fixed bound on memory.
    static constexpr int ReorderWindow = 4 * MaxInFlight;
    //! Rows written per event-loop turn when writing a sorted report, so the GUI stays
    //! responsive and a cancel lands between chunks.
    static constexpr int WriteChunk = 1000;
    //! Listing page size: the tag command's, for the same reason (few writes, early feedback).
    static constexpr int ListPageSize = 1000;

    //! service must outlive the job (or the job fails when it goes away).
    explicit ReportJob(MetadataService *service, const ReportOptions &options,
                       QObject *parent = nullptr);
    ~ReportJob() override;

    const ReportOptions &options() const { return m_options; }
    //! The registry keeps Harbor's extras: the default columns include them, and
    //! ReportSort::Pushed and the Harbor columns are possible.
    bool hasHarborColumns() const;

    //! Extras served from listing pages / fetched one by one (tests check the cost).
    qint64 listedExtrasUsed() const { return m_listedHits; }
    qint64 extrasRequested() const { return m_extrasFetched; }

    //! Writes options().destination. finished() follows exactly once (never synchronously).
    void start();
    //! Writes to an open device instead (not owned, must outlive the job).
    void start(QIODevice *device);
    //! Stops everything; finished(Cancelled) follows at once; no file is left behind.
    void cancel();

    bool isRunning() const { return m_running; }
    qint64 rowsWritten() const { return m_rowsWritten; }
    qint64 failedTags() const { return m_failedTags; }
    //! Rows whose image failed a digest check (a config or platform left out; its warnings say
    //! which): written, but not a clean report.
    qint64 failedDigestChecks() const { return m_failedDigestChecks; }
    ReportProgress progress() const;

Q_SIGNALS:
    //! At most every ProgressIntervalMs, and once when the listing ends and at the end.
    void progressChanged(const Berth::ReportProgress &progress);
    //! error.code == ErrorCode::None: the report is complete (and committed, for a file).
    void finished(const Berth::Error &error);

private:
    struct Slot
    {
        bool metadataDone = false;
        bool extrasDone = false;
        MetadataService::MetadataPtr metadata;
        QString error;
        std::optional<TagExtras> extras;
    };
    struct Record //!< sorted mode: one per tag
    {
        QString tag;
        qint32 imageId = -1;
        std::optional<TagExtras> extras;
    };

    void begin(QIODevice *device);
    void startListing();
    Pager *createPager();
    void onPage(const QStringList &names);
    void addNames(const QStringList &names);
    void onListed();
    void pump();
    void request(qint64 index);
    void requestExtras(qint64 index, const QString &tag);
    void onMetadata(quint64 generation, qint64 index,
                    const Result<MetadataService::TagMetadata> &result);
    void onExtras(quint64 generation, qint64 index, const Result<TagExtras> &result);
    void onSlotFilled(qint64 index);
    void flushInOrder();
    void storeRecord(qint64 index, Slot slot);
    void writeSorted();
    bool writeRows(const QString &tag, const ReportImagePtr &image, const QString &error,
                   const std::optional<TagExtras> &extras);
    void complete();
    void fail(const Error &error);
    void stopWork();
    void emitProgress(bool force);
    bool streaming() const { return m_options.sort == ReportSort::Tag; }

    QPointer<MetadataService> m_service;
    ReportOptions m_options;
    bool m_useExtras = false; //!< a chosen column or the sort needs Harbor's extras
    QList<ReportColumn> m_columns;
    QRegularExpression m_filter;
    QString m_repositoryName;

    std::unique_ptr<QSaveFile> m_file;
    QIODevice *m_device = nullptr;
    std::unique_ptr<ReportWriter> m_writer;
    QPointer<Pager> m_pager;

    bool m_running = false;
    bool m_listing = false;
    quint64 m_generation = 0;
    QStringList m_names;
    qint64 m_nextToWrite = 0; //!< streaming: next tag to write
    qint64 m_done = 0;
    qint64 m_rowsWritten = 0;
    qint64 m_failedTags = 0;
    qint64 m_failedDigestChecks = 0;
    RequestPump m_pump{MaxInFlight};
    QHash<qint64, QPointer<Job>> m_requests;   //!< metadata in flight, by tag index
    QHash<qint64, QPointer<Job>> m_extrasJobs; //!< extras in flight, by tag index
    QHash<qint64, Slot> m_slots; //!< in flight or finished but not yet written / stored
    QHash<QString, TagExtras> m_listedExtras; //!< from listing pages, until the row asks
    qint64 m_listedHits = 0;
    qint64 m_extrasFetched = 0;

    // Sorted mode.
    std::vector<Record> m_records;
    std::vector<ReportImagePtr> m_images;
    QHash<QString, qint32> m_imageIds;
    QHash<qint64, QString> m_errors; //!< record index -> error (sparse)
    std::vector<qint64> m_order;
    size_t m_writePos = 0;

    QElapsedTimer m_fetchClock;
    QElapsedTimer m_progressClock;
};

} // namespace Berth

Q_DECLARE_METATYPE(Berth::ReportProgress)
