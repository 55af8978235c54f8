#include "models/report/reportjob.h"

#include "models/modelslogging.h"
#include "models/tags/naturalcompare.h"

#include "net/backend/pager.h"
#include "net/backend/registrybackend.h"
#include "net/core/tagquery.h"

#include <QSaveFile>
#include <QTimer>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace Berth {

// A progress bar or terminal line gains nothing from more than ~10 updates a second, and a
// 100,000-tag report would otherwise emit 100,000 signals.
static constexpr qint64 ProgressIntervalMs = 100;

//! What a report row needs of a tag's extras: a sorted report keeps one per tag until it
//! writes, so the rest (label colours and descriptions, references, media types) is dropped.
static TagExtras compactExtras(const TagExtras &extras)
{
    TagExtras compact;
    compact.tag = extras.tag;
    compact.pushed = extras.pushed;
    compact.pulled = extras.pulled;
    compact.vulnerabilities.scanStatus = extras.vulnerabilities.scanStatus;
    compact.vulnerabilities.bySeverity = extras.vulnerabilities.bySeverity;
    for (const HarborLabel &label : extras.labels)
        compact.labels.append(HarborLabel{label.name, {}, {}});
    return compact;
}

// Errors that belong to one tag (it vanished, its manifest is broken, its name is not one the
// registry takes): a row says so and the report goes on. Everything else (network, auth, server)
// would fail every other tag too.
static bool isRowError(const Error &error)
{
    return error.isItemError() || error.code == ErrorCode::InvalidInput;
}

ReportJob::ReportJob(MetadataService *service, const ReportOptions &options, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_options(options)
{
    qRegisterMetaType<Berth::ReportProgress>();
    m_repositoryName = m_options.repositoryDisplayName.isEmpty() ? m_options.repository
                                                                 : m_options.repositoryDisplayName;
}

ReportJob::~ReportJob()
{
    if (m_running) {
        m_running = false;
        stopWork();
    }
}

bool ReportJob::hasHarborColumns() const
{
    return m_service && m_service->hasTagExtras();
}

ReportProgress ReportJob::progress() const
{
    ReportProgress p;
    p.listing = m_listing;
    p.listed = m_names.isEmpty() ? qint64(m_records.size()) : m_names.size();
    p.done = m_done;
    p.total = m_listing ? -1 : p.listed;
    if (m_fetchClock.isValid() && m_done > 0) {
        const double seconds = double(std::max<qint64>(1, m_fetchClock.elapsed())) / 1000.0;
        p.rate = double(m_done) / seconds;
        if (p.total >= 0 && p.rate > 0)
            p.etaSeconds = qint64(double(p.total - m_done) / p.rate + 0.5);
    }
    return p;
}

void ReportJob::start()
{
    auto file = std::make_unique<QSaveFile>(m_options.destination);
    if (m_options.destination.isEmpty() || !file->open(QIODevice::WriteOnly)) {
        const QString reason
                = m_options.destination.isEmpty() ? u"no destination given"_s : file->errorString();
        m_running = true;
        QTimer::singleShot(0, this, [this, reason] {
            fail(Error(ErrorCode::InvalidInput,
                       u"cannot write %1: %2"_s.arg(m_options.destination, reason)));
        });
        return;
    }
    m_file = std::move(file);
    begin(m_file.get());
}

void ReportJob::start(QIODevice *device)
{
    begin(device);
}

void ReportJob::begin(QIODevice *device)
{
    Q_ASSERT(!m_running);
    m_running = true;
    m_device = device;
    ++m_generation;
    m_writer = ReportWriter::create(m_options.format, device);
    Error invalid;
    if (!m_service)
        invalid = Error(ErrorCode::InvalidInput, u"no registry session"_s);
    if (!m_options.filter.isEmpty()) {
        m_filter = QRegularExpression(m_options.filter);
        if (!m_filter.isValid()) {
            invalid = Error(
                    ErrorCode::InvalidInput,
                    u"invalid filter \"%1\": %2"_s.arg(m_options.filter, m_filter.errorString()));
        }
    }
    const bool harbor = hasHarborColumns();
    if (m_options.sort == ReportSort::Pushed && !harbor) {
        invalid = Error(ErrorCode::InvalidInput, u"sorting by push time needs a Harbor registry"_s);
    }
    m_columns = m_options.columns.isEmpty() ? allReportColumns(harbor) : m_options.columns;
    for (ReportColumn column : std::as_const(m_columns)) {
        if (isHarborColumn(column) && !harbor) {
            invalid = Error(ErrorCode::InvalidInput, u"the column %1 needs a Harbor registry"_s.arg(
                                                             reportColumnName(column)));
        }
    }
    // Extras cost requests: only when a column shows them or the order needs them.
    m_useExtras = harbor
                  && (m_options.sort == ReportSort::Pushed
                      || std::any_of(m_columns.cbegin(), m_columns.cend(), isHarborColumn));
    if (invalid.isError()) {
        QTimer::singleShot(0, this, [this, invalid] { fail(invalid); });
        return;
    }
    m_listing = true;
    m_progressClock.start();
    // Never finish synchronously: the caller connects after start() in some call sites.
    QTimer::singleShot(0, this, &ReportJob::startListing);
}

void ReportJob::startListing()
{
    if (!m_running)
        return;
    if (!m_options.tags.isEmpty()) {
        addNames(m_options.tags);
        return onListed();
    }
    m_pager = createPager();
    m_pager->setPageSize(ListPageSize);
    connect(m_pager, &Pager::pageReady, this, &ReportJob::onPage);
    connect(m_pager, &Pager::failed, this, [this](const Error &error) {
        fail(Error(error.code, u"listing the tags of %1: %2"_s.arg(m_repositoryName, error.message),
                   error.httpStatus));
    });
    m_pager->fetchNext();
}

Pager *ReportJob::createPager()
{
    RegistryBackend *backend = m_service->backend();
    if (!m_useExtras || !backend->supportsServerSort())
        return backend->createTagPager(m_options.repository, this);
    // Any non-default query selects the artifact listing that carries extras; newest first is
    // Harbor's own default order. The names are sorted here anyway.
    TagQuery query;
    query.sortField = TagQuery::SortField::PushTime;
    query.descending = true;
    Pager *pager = backend->createTagPager(m_options.repository, query, this);
    connect(pager, &Pager::extrasReady, this, [this](const QHash<QString, TagExtras> &extras) {
        m_listedExtras.reserve(m_listedExtras.size() + extras.size());
        for (auto it = extras.cbegin(); it != extras.cend(); ++it) {
            if (it.value().isValid())
                m_listedExtras.insert(it.key(), compactExtras(it.value()));
        }
    });
    return pager;
}

void ReportJob::onPage(const QStringList &names)
{
    if (!m_running)
        return;
    addNames(names);
    emitProgress(false);
    if (m_pager->hasMore()) {
        m_pager->fetchNext();
        return;
    }
    m_pager->deleteLater();
    onListed();
}

void ReportJob::addNames(const QStringList &names)
{
    for (const QString &name : names) {
        if (m_filter.pattern().isEmpty() || m_filter.match(name).hasMatch())
            m_names.append(name);
    }
}

void ReportJob::onListed()
{
    m_listing = false;
    if (m_options.tags.isEmpty() || streaming()) {
        const bool descending = streaming() && m_options.effectiveOrder() == Qt::DescendingOrder;
        std::sort(m_names.begin(), m_names.end(), [descending](const QString &a, const QString &b) {
            const int c = naturalCompare(a, b);
            return descending ? c > 0 : c < 0;
        });
    }
    // A selection may name a tag twice (two proxy rows): one row each is what it asked for,
    // but duplicates from a listing cannot happen, so nothing is dropped here.
    ReportHeader header;
    header.repository = m_repositoryName;
    header.generated = QDateTime::currentDateTimeUtc();
    header.hasExtras = m_useExtras;
    header.columns = m_columns;
    header.order = m_options.effectiveOrder();
    header.perPlatform = m_options.perPlatform;
    header.filter = m_options.filter;
    header.sort = m_options.sort;
    if (!m_writer->begin(header))
        return fail(Error(ErrorCode::InvalidInput,
                          u"writing the report: "_s + m_writer->errorString()));
    if (!streaming()) {
        m_records.resize(size_t(m_names.size()));
        for (qsizetype i = 0; i < m_names.size(); ++i)
            m_records[size_t(i)].tag = m_names.at(i);
        m_names = QStringList(); // the records hold the names from here on
    }
    m_fetchClock.start();
    emitProgress(true);
    pump();
}

void ReportJob::pump()
{
    if (!m_running)
        return;
    const qint64 total = streaming() ? m_names.size() : qint64(m_records.size());
    // Streaming writes rows in tag order: no tag further than ReorderWindow ahead of the next
    // row to write is asked for, so at most that many finished rows wait in memory.
    const qint64 end = streaming() ? std::min(total, m_nextToWrite + ReorderWindow) : total;
    m_pump.run(end, int(m_requests.size()), [this](qint64 index) {
        request(index);
        return true;
    });
    if (m_done == total && m_requests.isEmpty() && m_slots.isEmpty()) {
        if (streaming())
            complete();
        else
            writeSorted();
    }
}

void ReportJob::request(qint64 index)
{
    const QString tag = streaming() ? m_names.at(index) : m_records[size_t(index)].tag;
    Slot slot;
    slot.extrasDone = !m_useExtras;
    m_slots.insert(index, slot);
    const quint64 generation = m_generation;
    auto *job = m_service->metadata(m_options.repository, tag, Priority::Background);
    m_requests.insert(index, job);
    job->onFinished(this,
                    [this, generation, index](const Result<MetadataService::TagMetadata> &result) {
                        onMetadata(generation, index, result);
                    });
    if (m_useExtras)
        requestExtras(index, tag);
}

void ReportJob::requestExtras(qint64 index, const QString &tag)
{
    const auto listed = m_listedExtras.constFind(tag);
    if (listed != m_listedExtras.cend()) {
        // Asked once per row: dropped here, so what is held shrinks as the report goes. The
        // metadata's answer (never synchronous) completes the row.
        m_slots[index].extras = *listed;
        m_slots[index].extrasDone = true;
        m_listedExtras.erase(listed);
        ++m_listedHits;
        return;
    }
    ++m_extrasFetched;
    const quint64 generation = m_generation;
    auto *job = m_service->tagExtras(m_options.repository, tag, Priority::Background);
    m_extrasJobs.insert(index, job);
    job->onFinished(this, [this, generation, index](const Result<TagExtras> &result) {
        onExtras(generation, index, result);
    });
}

void ReportJob::onMetadata(quint64 generation, qint64 index,
                           const Result<MetadataService::TagMetadata> &result)
{
    if (!m_running || generation != m_generation)
        return;
    m_requests.remove(index);
    auto it = m_slots.find(index);
    if (it == m_slots.end())
        return;
    if (!result) {
        if (!isRowError(result.error())) {
            const QString tag = streaming() ? m_names.at(index) : m_records[size_t(index)].tag;
            return fail(Error(result.error().code,
                              u"%1:%2: %3"_s.arg(m_repositoryName, tag, result.error().message),
                              result.error().httpStatus));
        }
        it->error = result.error().toString();
    } else {
        it->metadata = result->metadata;
        if (result->metadata && result->metadata->failedDigestCheck)
            ++m_failedDigestChecks;
    }
    it->metadataDone = true;
    onSlotFilled(index);
}

void ReportJob::onExtras(quint64 generation, qint64 index, const Result<TagExtras> &result)
{
    if (!m_running || generation != m_generation)
        return;
    m_extrasJobs.remove(index);
    auto it = m_slots.find(index);
    if (it == m_slots.end())
        return;
    if (!result) {
        if (!isRowError(result.error()))
            return fail(result.error());
        if (it->error.isEmpty())
            it->error = result.error().toString();
    } else {
        it->extras = compactExtras(*result);
    }
    it->extrasDone = true;
    onSlotFilled(index);
}

void ReportJob::onSlotFilled(qint64 index)
{
    const auto it = m_slots.constFind(index);
    if (it == m_slots.cend() || !it->metadataDone || !it->extrasDone)
        return;
    ++m_done;
    if (!it->error.isEmpty())
        ++m_failedTags;
    if (streaming()) {
        flushInOrder();
    } else {
        storeRecord(index, m_slots.take(index));
    }
    if (!m_running)
        return;
    emitProgress(false);
    pump();
}

void ReportJob::flushInOrder()
{
    for (auto it = m_slots.find(m_nextToWrite);
         it != m_slots.end() && it->metadataDone && it->extrasDone;
         it = m_slots.find(m_nextToWrite)) {
        const Slot slot = m_slots.take(m_nextToWrite);
        const QString tag = m_names.at(m_nextToWrite);
        ++m_nextToWrite;
        if (!writeRows(tag, slot.metadata, slot.error, slot.extras))
            return;
    }
}

void ReportJob::storeRecord(qint64 index, Slot slot)
{
    Record &record = m_records[size_t(index)];
    record.extras = std::move(slot.extras);
    if (!slot.metadata) {
        m_errors.insert(index, slot.error);
        return;
    }
    const QString &digest = slot.metadata->digest;
    auto found = m_imageIds.constFind(digest);
    if (found == m_imageIds.cend()) {
        m_images.push_back(ReportRow::compact(*slot.metadata));
        found = m_imageIds.insert(digest, qint32(m_images.size() - 1));
    }
    record.imageId = *found;
}

void ReportJob::writeSorted()
{
    if (!m_running)
        return;
    if (m_order.empty() && !m_records.empty()) {
        m_order.resize(m_records.size());
        for (size_t i = 0; i < m_order.size(); ++i)
            m_order[i] = qint64(i);
        const auto image = [this](qint64 i) -> const ImageMetadata * {
            const qint32 id = m_records[size_t(i)].imageId;
            return id < 0 ? nullptr : m_images[size_t(id)].get();
        };
        // Newest / largest first unless asked otherwise; unknown values last either way; ties
        // in natural tag order so the output is the same every time.
        const auto key = [this, &image](qint64 i) -> qint64 {
            switch (m_options.sort) {
            case ReportSort::Created: {
                const ImageMetadata *m = image(i);
                return m && m->created.isValid() ? m->created.toMSecsSinceEpoch()
                                                 : std::numeric_limits<qint64>::min();
            }
            case ReportSort::Size: {
                const ImageMetadata *m = image(i);
                return m && m->size >= 0 ? m->size : std::numeric_limits<qint64>::min();
            }
            case ReportSort::Pushed: {
                const auto &extras = m_records[size_t(i)].extras;
                return extras && extras->pushed.isValid() ? extras->pushed.toMSecsSinceEpoch()
                                                          : std::numeric_limits<qint64>::min();
            }
            case ReportSort::Tag:
                break;
            }
            return 0;
        };
        std::vector<qint64> keys(m_records.size());
        for (size_t i = 0; i < keys.size(); ++i)
            keys[i] = key(qint64(i));
        const bool descending = m_options.effectiveOrder() == Qt::DescendingOrder;
        constexpr qint64 Unknown = std::numeric_limits<qint64>::min();
        std::sort(m_order.begin(), m_order.end(), [this, &keys, descending](qint64 a, qint64 b) {
            const qint64 ka = keys[size_t(a)], kb = keys[size_t(b)];
            if (ka != kb) {
                if (ka == Unknown || kb == Unknown)
                    return kb == Unknown;
                return descending ? ka > kb : ka < kb;
            }
            return naturalCompare(m_records[size_t(a)].tag, m_records[size_t(b)].tag) < 0;
        });
    }
    const size_t end = std::min(m_order.size(), m_writePos + size_t(WriteChunk));
    for (; m_writePos < end; ++m_writePos) {
        const qint64 i = m_order[m_writePos];
        const Record &record = m_records[size_t(i)];
        const ReportImagePtr image
                = record.imageId < 0 ? ReportImagePtr() : m_images[size_t(record.imageId)];
        if (!writeRows(record.tag, image, m_errors.value(i), record.extras))
            return;
    }
    if (m_writePos < m_order.size()) {
        QTimer::singleShot(0, this, &ReportJob::writeSorted);
        return;
    }
    complete();
}

bool ReportJob::writeRows(const QString &tag, const ReportImagePtr &image, const QString &error,
                          const std::optional<TagExtras> &extras)
{
    QList<ReportRow> rows
            = ReportRow::rowsFor(m_repositoryName, tag, image, m_options.perPlatform, extras);
    for (ReportRow &row : rows) {
        row.error = error;
        if (!m_writer->writeRow(row)) {
            fail(Error(ErrorCode::InvalidInput,
                       u"writing the report: "_s + m_writer->errorString()));
            return false;
        }
        ++m_rowsWritten;
    }
    return true;
}

void ReportJob::complete()
{
    if (!m_running)
        return;
    if (!m_writer->finish())
        return fail(Error(ErrorCode::InvalidInput,
                          u"writing the report: "_s + m_writer->errorString()));
    if (m_file && !m_file->commit()) {
        const QString reason = m_file->errorString();
        m_file.reset();
        return fail(Error(ErrorCode::InvalidInput,
                          u"cannot write %1: %2"_s.arg(m_options.destination, reason)));
    }
    m_file.reset();
    m_listedExtras.clear();
    emitProgress(true);
    m_running = false;
    qCDebug(lcModels) << "report of" << m_repositoryName << "done:" << m_rowsWritten << "rows";
    Q_EMIT finished(Error());
}

void ReportJob::fail(const Error &error)
{
    if (!m_running)
        return;
    m_running = false;
    stopWork();
    Q_EMIT finished(error);
}

void ReportJob::cancel()
{
    if (!m_running)
        return;
    fail(Error(ErrorCode::Cancelled, u"report cancelled"_s));
}

void ReportJob::stopWork()
{
    ++m_generation;
    if (m_pager) {
        m_pager->cancel();
        m_pager->deleteLater();
    }
    for (const QPointer<Job> &job : std::as_const(m_requests)) {
        if (job)
            job->cancel();
    }
    for (const QPointer<Job> &job : std::as_const(m_extrasJobs)) {
        if (job)
            job->cancel();
    }
    m_requests.clear();
    m_extrasJobs.clear();
    m_slots.clear();
    if (m_file) {
        // Nothing reaches the destination: the temporary file is removed with the QSaveFile.
        m_file->cancelWriting();
        m_file.reset();
    }
    m_records.clear();
    m_images.clear();
    m_imageIds.clear();
    m_listedExtras.clear();
    m_listedExtras.squeeze();
}

void ReportJob::emitProgress(bool force)
{
    if (!force && m_progressClock.isValid() && m_progressClock.elapsed() < ProgressIntervalMs)
        return;
    m_progressClock.restart();
    Q_EMIT progressChanged(progress());
}

} // namespace Berth
