#include "benchmark.h"

#include "benchstack.h"
#include "childrun.h"
#include "processmemory.h"
#include "rawclient.h"
#include "stallchecker.h"
#include "waiter.h"

#include "faultproxy.h"
#include "harborserver.h"
#include "imagebuilder.h"
#include "imageseeder.h"
#include "registryprocess.h"
#include "storagetags.h"
#include "syntheticbackend.h"

#include "jobwait.h"

#include "models/cleanup/cleanuprun.h"
#include "models/cleanup/inventoryjob.h"
#include "models/metadata/metadatacache.h"
#include "models/metadata/metadataservice.h"
#include "models/tags/metadataupdater.h"
#include "models/tags/naturalcompare.h"
#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"
#include "net/formats/mediatypes.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QLibraryInfo>
#include <QLocale>
#include <QProcess>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;

namespace Berth::Test {

namespace {

// The rows a person sees at once in a tag table on a laptop screen (issue 3: "say 40").
constexpr int VisibleRows = 40;
// Generous ceilings: a scenario that takes longer than this is broken, not slow.
constexpr int ScenarioTimeoutMs = 10 * 60 * 1000;
// skopeo inspect in parallel, as `xargs -P6` would: the same six connections Berth uses.
constexpr int SkopeoParallel = 6;

void say(const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

TagTableModel::LoadState stateOf(const TagTableModel &model, int row)
{
    return model.index(row, 0).data(TagTableModel::LoadStateRole).value<TagTableModel::LoadState>();
}

//! Every row in [first, last] in one of states.
bool rowsIn(const TagTableModel &model, int first, int last,
            std::initializer_list<TagTableModel::LoadState> states)
{
    for (int row = first; row <= last; ++row) {
        if (std::find(states.begin(), states.end(), stateOf(model, row)) == states.end())
            return false;
    }
    return true;
}

int countState(const TagTableModel &model, int first, int last, TagTableModel::LoadState state)
{
    int n = 0;
    for (int row = first; row <= last; ++row)
        n += stateOf(model, row) == state ? 1 : 0;
    return n;
}

//! Milliseconds on clock until the model has its first rows or has failed; -1 on timeout.
qint64 waitForFirstRows(const TagTableModel &model, const QElapsedTimer &clock)
{
    Waiter firstRows([&] { return model.rowCount() > 0 || model.lastError().isError(); }, clock);
    firstRows.on(&model, &TagTableModel::pageFetched);
    firstRows.on(&model, &TagTableModel::fetchFailed);
    return firstRows.wait(ScenarioTimeoutMs);
}

//! Milliseconds on clock until each of the visible rows is in one of states; -1 on timeout.
qint64 waitForVisibleRows(const TagTableModel &model, const QElapsedTimer &clock,
                          std::initializer_list<TagTableModel::LoadState> states)
{
    Waiter visible([&] { return rowsIn(model, 0, VisibleRows - 1, states); }, clock);
    visible.on(&model, &QAbstractItemModel::dataChanged);
    return visible.wait(ScenarioTimeoutMs);
}

qint64 median(QList<qint64> values)
{
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

double ratio(qint64 a, qint64 b)
{
    return a >= 0 && b > 0 ? double(a) / double(b) : -1.0;
}

QString skopeoBinary()
{
    return QStandardPaths::findExecutable(u"skopeo"_s);
}

QString readFirstLine(const QString &path, const QByteArray &prefix)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    // /proc files report size 0, so QFile::atEnd() is true at once: read it all instead.
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith(prefix))
            return QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
    }
    return {};
}

} // namespace

Benchmark::Benchmark(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{}

Benchmark::~Benchmark() = default;

QString Benchmark::repositoryFor(int size) const
{
    return u"bench/tags-%1"_s.arg(size);
}

QString Benchmark::cachePathFor(int size) const
{
    return m_workDir->filePath(u"cache-%1.sqlite"_s.arg(size));
}

void Benchmark::fail(const QString &what)
{
    m_failures.append(what);
    say(u"berth-bench: ERROR: "_s + what);
}

bool Benchmark::startRegistry()
{
    if (!RegistryProcess::available()) {
        fail(RegistryProcess::unavailableReason());
        return false;
    }
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    if (!m_registry->start(&error)) {
        fail(u"registry did not start: "_s + error);
        return false;
    }
    say(u"registry: Distribution (%1) on %2, storage %3"_s.arg(
            RegistryProcess::binaryPath(), m_registry->host(), m_registry->storageDir()));
    return true;
}

std::unique_ptr<BenchStack> Benchmark::openStack(const QString &scenario, const QString &host,
                                                 MetadataCache *cache,
                                                 const Credentials &credentials, BackendKind kind)
{
    auto stack = std::make_unique<BenchStack>(host, cache, credentials, kind);
    if (const Error error = stack->open(ScenarioTimeoutMs); error.isError()) {
        fail(u"%1: opening the session: %2"_s.arg(scenario, error.toString()));
        return nullptr;
    }
    return stack;
}

int Benchmark::run()
{
    m_workDir = std::make_unique<QTemporaryDir>();
    if (!m_workDir->isValid() || !startRegistry())
        return 1;
    // berth keeps a disk cache: the children of this run use one of their own, never the user's.
    qputenv("XDG_CACHE_HOME", QFile::encodeName(m_workDir->filePath(u"xdg-cache"_s)));
    if (skopeoBinary().isEmpty())
        say(u"skopeo not found: the peer columns stay empty (scripts/lib/deps.sh installs it)"_s);

    for (int size : std::as_const(m_options.sizes)) {
        QJsonObject result{{u"tags"_s, size}, {u"repository"_s, repositoryFor(size)}};
        say(u"\n== %1 tags =="_s.arg(size));
        if (!seed(size, result)) {
            m_sizes.append(result);
            continue;
        }
        measureFirstScreen(size, result);
        measureModelCold(size, result);
        measureModelWarm(size, result);
        measureFullLoad(size, result);
        measureCli(size, result);
        measureSkopeo(size, result);
        measureRaw(size, result);
        measureBulkMetadata(size, result);
        measureExport(size, result);
        measureCleanupPlan(size, result);
        measureHarbor(size, result);
        m_sizes.append(result);
    }
    measureCleanupRun();
    measureMemory();

    const QJsonObject all{
            {u"machine"_s, machine()},
            {u"setup"_s, QJsonObject{{u"registry"_s, u"Distribution 2.8 (docker-registry), "
                                                     "plain HTTP on loopback"_s},
                                     {u"images"_s, m_options.images},
                                     {u"visible_rows"_s, VisibleRows},
                                     {u"quick"_s, m_options.quick}}},
            {u"sizes"_s, m_sizes},
            {u"memory"_s, m_memory},
            {u"cleanup_run"_s, m_cleanupRun},
            {u"targets"_s, targets()},
            {u"failures"_s, QJsonArray::fromStringList(m_failures)}};
    if (!m_options.jsonPath.isEmpty()) {
        QDir().mkpath(QFileInfo(m_options.jsonPath).absolutePath());
        QFile out(m_options.jsonPath);
        if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            out.write(QJsonDocument(all).toJson());
        else
            fail(u"cannot write "_s + m_options.jsonPath);
    }
    printTable();
    if (!m_options.jsonPath.isEmpty())
        say(u"figures written to "_s + m_options.jsonPath);
    if (!m_failures.isEmpty()) {
        say(u"berth-bench: FAILED (%1 scenario(s) could not run)"_s.arg(m_failures.size()));
        return 1;
    }
    say(u"berth-bench: complete"_s);
    return 0;
}

bool Benchmark::seed(int size, QJsonObject &result)
{
    const QString repository = repositoryFor(size);
    const int images = std::min(m_options.images, size);
    QList<SeedPush> plan = ImageBuilder::manyTagsPlan(repository, size, images);
    // Each image is pushed through the API under its first tag; the rest of its tags are
    // written straight into storage (100,000 PUTs would take minutes and measure the seeder).
    QList<QStringList> rest;
    for (SeedPush &push : plan) {
        rest.append(push.tags.mid(1));
        push.tags = push.tags.mid(0, 1);
    }
    QElapsedTimer clock;
    clock.start();
    ImageSeeder seeder(m_registry->host());
    const auto pushed = seeder.pushAllAndWait(plan, ScenarioTimeoutMs);
    if (!pushed) {
        fail(u"seeding %1: %2"_s.arg(repository, pushed.error().toString()));
        return false;
    }
    const qint64 pushMs = clock.elapsed();
    clock.restart();
    m_imageOfTag.clear();
    m_pushed.clear();
    QString error;
    for (qsizetype i = 0; i < pushed->size(); ++i) {
        const SeededImage &image = pushed->at(i);
        const Image info{image.digest, image.config.digest};
        m_pushed.append({image.digest, image.tags.value(0), rest.at(i)});
        for (const QString &tag : image.tags)
            m_imageOfTag.insert(tag, info);
        for (const QString &tag : rest.at(i))
            m_imageOfTag.insert(tag, info);
        if (!writeTagsIntoStorage(m_registry->storageDir(), repository, image.digest, rest.at(i),
                                  &error)) {
            fail(u"writing tags of %1: %2"_s.arg(repository, error));
            return false;
        }
    }
    const qint64 storageMs = clock.elapsed();
    result.insert(u"seed"_s, QJsonObject{{u"images"_s, images},
                                         {u"push_ms"_s, pushMs},
                                         {u"storage_tags"_s, size - images},
                                         {u"storage_ms"_s, storageMs}});
    say(u"seeded: %1 images pushed in %2 ms, %3 tags written into storage in %4 ms"_s.arg(images)
                .arg(pushMs)
                .arg(size - images)
                .arg(storageMs));
    return true;
}

void Benchmark::measureFirstScreen(int size, QJsonObject &result)
{
    const QString repository = repositoryFor(size);
    // The baseline: one plain GET of the whole list (median of the repeats).
    RawClient raw;
    QList<qint64> rawTimes;
    for (int i = 0; i < m_options.repeats; ++i) {
        const auto listed = raw.run(
                m_registry->baseUrl(),
                {{"GET"_ba,
                  m_registry->baseUrl().resolved(QUrl(u"/v2/%1/tags/list"_s.arg(repository))),
                  {}}},
                ScenarioTimeoutMs);
        if (listed.failed > 0 || listed.ms < 0) {
            fail(u"raw tags/list of %1 failed"_s.arg(repository));
            return;
        }
        rawTimes.append(listed.ms);
    }
    QStringList expected = m_imageOfTag.keys();
    std::sort(expected.begin(), expected.end(),
              [](const QString &a, const QString &b) { return naturalCompare(a, b) < 0; });
    expected = expected.mid(0, VisibleRows);

    QTemporaryDir cacheDir;
    MetadataCache cache(cacheDir.filePath(u"first-screen.sqlite"_s));
    if (!cache.open()) {
        fail(u"cannot open the metadata cache"_s);
        return;
    }
    const auto stack = openStack(u"first screen"_s, m_registry->host(), &cache);
    if (!stack)
        return;
    TagTableModel model;
    TagFilterProxyModel proxy;
    proxy.setTagModel(&model);
    QElapsedTimer clock;
    const auto topRows = [&] {
        QStringList top;
        for (int row = 0; row < std::min(VisibleRows, proxy.rowCount()); ++row)
            top.append(proxy.index(row, 0).data(TagTableModel::TagRole).toString());
        return top;
    };
    const auto topLoaded = [&] {
        if (proxy.rowCount() < VisibleRows)
            return false;
        for (int row = 0; row < VisibleRows; ++row) {
            if (proxy.index(row, 0)
                        .data(TagTableModel::LoadStateRole)
                        .value<TagTableModel::LoadState>()
                != TagTableModel::LoadState::Loaded)
                return false;
        }
        return true;
    };
    // As TagTableView does: the range again whenever the proxy's rows change.
    QStringList shownTop;
    qint64 lastTopChangeMs = -1;
    int topChanges = 0;
    const auto onRowsChanged = [&] {
        if (proxy.rowCount() > 0)
            model.updater()->setVisibleRange(0, std::min(VisibleRows, proxy.rowCount()) - 1,
                                             &proxy);
        const QStringList top = topRows();
        if (top != shownTop) {
            shownTop = top;
            lastTopChangeMs = clock.elapsed();
            ++topChanges;
        }
    };
    QObject::connect(&proxy, &QAbstractItemModel::rowsInserted, &model, onRowsChanged);
    QObject::connect(&proxy, &QAbstractItemModel::layoutChanged, &model, onRowsChanged);
    QObject::connect(&proxy, &QAbstractItemModel::modelReset, &model, onRowsChanged);

    stack->resetCounts();
    clock.start();
    model.setRepository(&stack->service(), repository);
    proxy.sort(TagTableModel::TagColumn, Qt::AscendingOrder); // the window's default
    Waiter final([&] { return topRows() == expected && topLoaded(); }, clock);
    final.on(&proxy, &QAbstractItemModel::dataChanged);
    final.on(&proxy, &QAbstractItemModel::rowsInserted);
    final.on(&proxy, &QAbstractItemModel::layoutChanged);
    const qint64 finalMs = final.wait(ScenarioTimeoutMs);
    const RequestCounts atFinal = stack->counts();
    // Then a while longer: the screen must not move again, and what opening spent settles.
    QEventLoop settle;
    QTimer::singleShot(1500, &settle, &QEventLoop::quit);
    settle.exec();
    const RequestCounts settled = stack->counts();
    const bool movedAfter = topRows() != expected;
    const qint64 rawMs = median(rawTimes);
    if (finalMs < 0)
        fail(u"first screen of %1 never became final"_s.arg(repository));
    if (movedAfter)
        fail(u"first screen of %1 changed after it was final"_s.arg(repository));
    result.insert(u"first_screen"_s, QJsonObject{{u"raw_tags_list_ms"_s, rawMs},
                                                 {u"final_ms"_s, finalMs},
                                                 {u"last_top_change_ms"_s, lastTopChangeMs},
                                                 {u"top_changes"_s, topChanges},
                                                 {u"requests_at_final"_s, atFinal.toJson()},
                                                 {u"requests_settled"_s, settled.toJson()},
                                                 {u"margin_rows"_s, VisibleRows}});
    say(u"first screen: final (top 40 names and metadata) %1 ms after setRepository; raw "
        "tags/list %2 ms; the top changed %3 time(s), last at %4 ms; requests %5 at final, %6 "
        "after 1.5 s"_s.arg(finalMs)
                .arg(rawMs)
                .arg(topChanges)
                .arg(lastTopChangeMs)
                .arg(atFinal.toText(), settled.toText()));
}

void Benchmark::measureModelCold(int size, QJsonObject &result)
{
    // A fresh disk cache: the cold run fills it, the warm run reads it.
    QFile::remove(cachePathFor(size));
    MetadataCache cache(cachePathFor(size));
    if (!cache.open()) {
        fail(u"cannot open the metadata cache"_s);
        return;
    }
    const auto stack = openStack(u"model cold"_s, m_registry->host(), &cache);
    if (!stack)
        return;
    TagTableModel model;
    ProcessMemory::resetPeak();
    const qint64 rssBefore = ProcessMemory::residentKiB();

    QElapsedTimer clock;
    clock.start();
    model.setRepository(&stack->service(), repositoryFor(size));
    const qint64 firstRowsMs = waitForFirstRows(model, clock);
    if (firstRowsMs < 0 || model.rowCount() < std::min(size, VisibleRows)) {
        fail(u"model: no first rows for %1 (%2)"_s.arg(repositoryFor(size),
                                                       model.lastError().toString()));
        return;
    }
    m_visibleTags.clear();
    for (int row = 0; row < VisibleRows; ++row)
        m_visibleTags.append(model.index(row, 0).data(TagTableModel::TagRole).toString());

    // When 40 rows become visible
    stack->resetCounts();
    QElapsedTimer visibleClock;
    visibleClock.start();
    model.updater()->setVisibleRange(0, VisibleRows - 1);
    const qint64 visibleMs = waitForVisibleRows(
            model, visibleClock,
            {TagTableModel::LoadState::Loaded, TagTableModel::LoadState::Failed});
    const RequestCounts atVisible = stack->counts();
    const int failed = countState(model, 0, VisibleRows - 1, TagTableModel::LoadState::Failed);

    // The margin (one screen below) keeps loading at Prefetch priority: let it settle. Each
    // answer reaches the model (a dataChanged batch) after the service counted its job done.
    Waiter settled(
            [&] {
                return stack->service().inFlight() == 0 && model.updater()->requestsInFlight() == 0;
            },
            visibleClock);
    settled.on(&model, &QAbstractItemModel::dataChanged);
    settled.on(&stack->scheduler(), &RequestScheduler::statsChanged);
    const qint64 settledMs = settled.wait(ScenarioTimeoutMs);
    const RequestCounts all = stack->counts();
    cache.flush();

    QSet<QString> digests;
    for (const QString &tag : std::as_const(m_visibleTags))
        digests.insert(m_imageOfTag.value(tag).digest);
    if (visibleMs < 0 || failed > 0)
        fail(u"model: 40 visible rows of %1 did not load (%2 failed)"_s.arg(repositoryFor(size))
                     .arg(failed));
    result.insert(u"model_cold"_s, QJsonObject{{u"first_rows_ms"_s, firstRowsMs},
                                               {u"first_rows"_s, model.rowCount()},
                                               {u"visible_ms"_s, visibleMs},
                                               {u"visible_failed"_s, failed},
                                               {u"visible_distinct_digests"_s, int(digests.size())},
                                               {u"requests_at_visible"_s, atVisible.toJson()},
                                               {u"settled_ms"_s, settledMs},
                                               {u"requests_settled"_s, all.toJson()},
                                               {u"rss_before_kib"_s, rssBefore},
                                               {u"peak_rss_kib"_s, ProcessMemory::peakKiB()}});
    say(u"model cold: first rows %1 ms; 40 visible rows loaded %2 ms after setVisibleRows with "
        "%3 requests (%4 distinct digests); with the margin %5 ms, %6 requests"_s.arg(firstRowsMs)
                .arg(visibleMs)
                .arg(atVisible.toText())
                .arg(digests.size())
                .arg(settledMs)
                .arg(all.toText()));
}

void Benchmark::measureModelWarm(int size, QJsonObject &result)
{
    MetadataCache cache(cachePathFor(size));
    if (!cache.open()) {
        fail(u"cannot open the metadata cache"_s);
        return;
    }
    const auto stack = openStack(u"model warm"_s, m_registry->host(), &cache);
    if (!stack)
        return;
    TagTableModel model;
    QElapsedTimer clock;
    clock.start();
    model.setRepository(&stack->service(), repositoryFor(size));
    const qint64 firstRowsMs = waitForFirstRows(model, clock);
    if (firstRowsMs < 0) {
        fail(u"model warm: no first rows"_s);
        return;
    }
    stack->resetCounts();
    QElapsedTimer visibleClock;
    visibleClock.start();
    model.updater()->setVisibleRange(0, VisibleRows - 1);
    // Shown from the cache first (Cached), then confirmed by a HEAD each (Loaded).
    const qint64 shownMs = waitForVisibleRows(model, visibleClock,
                                              {TagTableModel::LoadState::Cached,
                                               TagTableModel::LoadState::Loaded,
                                               TagTableModel::LoadState::Failed});
    const qint64 confirmedMs = waitForVisibleRows(
            model, visibleClock,
            {TagTableModel::LoadState::Loaded, TagTableModel::LoadState::Failed});
    const RequestCounts atVisible = stack->counts();
    if (confirmedMs < 0)
        fail(u"model warm: 40 visible rows were not confirmed"_s);
    result.insert(u"model_warm"_s, QJsonObject{{u"first_rows_ms"_s, firstRowsMs},
                                               {u"visible_shown_ms"_s, shownMs},
                                               {u"visible_ms"_s, confirmedMs},
                                               {u"requests_at_visible"_s, atVisible.toJson()}});
    say(u"model warm: 40 visible rows shown from the cache %1 ms, confirmed %2 ms after "
        "setVisibleRows with %3 requests"_s.arg(shownMs)
                .arg(confirmedMs)
                .arg(atVisible.toText()));
}

void Benchmark::measureFullLoad(int size, QJsonObject &result)
{
    const auto stack = openStack(u"model full load"_s, m_registry->host(), nullptr);
    if (!stack)
        return;
    TagTableModel model;
    StallChecker checker;
    ProcessMemory::resetPeak();
    QElapsedTimer clock;
    clock.start();
    checker.start();
    model.setRepository(&stack->service(), repositoryFor(size));
    model.updater()->setVisibleRange(0, VisibleRows - 1);
    model.fetchAll();
    Waiter done(
            [&] {
                return model.isAtEnd() && model.rowCount() >= VisibleRows
                       && rowsIn(model, 0, VisibleRows - 1,
                                 {TagTableModel::LoadState::Loaded,
                                  TagTableModel::LoadState::Failed});
            },
            clock);
    done.on(&model, &TagTableModel::pageFetched);
    done.on(&model, &QAbstractItemModel::dataChanged);
    done.on(&model, &TagTableModel::fetchFailed);
    const qint64 doneMs = done.wait(ScenarioTimeoutMs);
    checker.stop();
    if (doneMs < 0 || model.rowCount() != size)
        fail(u"model full load: %1 of %2 rows"_s.arg(model.rowCount()).arg(size));
    result.insert(u"model_full"_s, QJsonObject{{u"all_rows_ms"_s, doneMs},
                                               {u"rows"_s, model.rowCount()},
                                               {u"longest_stall_ms"_s, checker.longestGapMs()},
                                               {u"checker_ticks"_s, checker.ticks()},
                                               {u"peak_rss_kib"_s, ProcessMemory::peakKiB()}});
    say(u"model fetchAll + 40 visible: %1 rows in %2 ms, longest event-loop stall %3 ms"_s
                .arg(model.rowCount())
                .arg(doneMs)
                .arg(checker.longestGapMs()));
}

void Benchmark::measureBulkMetadata(int size, QJsonObject &result)
{
    // Every row's metadata at Background priority, as sorting by size (and an export) needs:
    // only where the whole repository fits the raw sample, so both move the same requests.
    if (size > m_options.rawSample)
        return;
    const auto stack = openStack(u"bulk metadata"_s, m_registry->host(), nullptr);
    if (!stack)
        return;
    TagTableModel model;
    QElapsedTimer clock;
    clock.start();
    model.setRepository(&stack->service(), repositoryFor(size));
    model.updater()->loadAll();
    Waiter done(
            [&] {
                return model.isAtEnd() && !model.updater()->isLoadingAll()
                       && model.rowsInState(TagTableModel::LoadState::Loaded)
                                          + model.rowsInState(TagTableModel::LoadState::Failed)
                                  == model.rowCount();
            },
            clock);
    done.on(model.updater(), &MetadataUpdater::loadAllProgress);
    done.on(&model, &TagTableModel::countsChanged);
    const qint64 ms = done.wait(ScenarioTimeoutMs);
    const int failed = model.rowsInState(TagTableModel::LoadState::Failed);
    if (ms < 0 || failed > 0)
        fail(u"bulk metadata: %1 failed"_s.arg(failed));
    result.insert(u"model_bulk"_s,
                  QJsonObject{{u"tags"_s, model.rowCount()},
                              {u"ms"_s, ms},
                              {u"requests"_s, stack->counts().toJson()},
                              {u"tags_per_s"_s, ms > 0 ? model.rowCount() * 1000.0 / ms : 0.0}});
    say(u"model loadAllMetadata: %1 tags in %2 ms with %3 requests"_s.arg(model.rowCount())
                .arg(ms)
                .arg(stack->counts().toText()));
}

void Benchmark::measureCli(int size, QJsonObject &result)
{
    const QString reference = m_registry->host() + u'/' + repositoryFor(size);
    QList<qint64> first, total, peak;
    ChildRun::Outcome last;
    for (int i = 0; i < m_options.repeats; ++i) {
        last = ChildRun::run(m_options.berthBinary, {u"tags"_s, u"--plain-http"_s, reference});
        if (!last.ok()) {
            fail(u"berth tags failed: "_s + QString::fromUtf8(last.err));
            return;
        }
        first.append(last.firstLineMs);
        total.append(last.totalMs);
        peak.append(last.peakKiB);
    }
    m_allTags = QString::fromUtf8(last.out).split(u'\n', Qt::SkipEmptyParts);
    if (m_allTags.size() != size)
        fail(u"berth tags listed %1 of %2 tags"_s.arg(m_allTags.size()).arg(size));
    result.insert(u"berth_tags"_s, QJsonObject{{u"first_line_ms"_s, median(first)},
                                               {u"total_ms"_s, median(total)},
                                               {u"peak_rss_kib"_s, median(peak)},
                                               {u"runs"_s, m_options.repeats},
                                               {u"lines"_s, int(m_allTags.size())}});
    say(u"berth tags: first line %1 ms, all %2 lines %3 ms (median of %4), peak RSS %5 KiB"_s
                .arg(median(first))
                .arg(m_allTags.size())
                .arg(median(total))
                .arg(m_options.repeats)
                .arg(median(peak)));
}

void Benchmark::measureSkopeo(int size, QJsonObject &result)
{
    const QString skopeo = skopeoBinary();
    if (skopeo.isEmpty())
        return;
    const QString base = u"docker://"_s + m_registry->host() + u'/' + repositoryFor(size);

    // Full listing.
    QList<qint64> total, peak;
    for (int i = 0; i < m_options.repeats; ++i) {
        const auto run = ChildRun::run(skopeo, {u"list-tags"_s, u"--tls-verify=false"_s, base});
        if (!run.ok()) {
            fail(u"skopeo list-tags failed: "_s + QString::fromUtf8(run.err));
            return;
        }
        const QJsonArray tags
                = QJsonDocument::fromJson(run.out).object().value(u"Tags"_s).toArray();
        if (tags.size() != size)
            fail(u"skopeo list-tags listed %1 of %2 tags"_s.arg(tags.size()).arg(size));
        total.append(run.totalMs);
        peak.append(run.peakKiB);
    }
    result.insert(u"skopeo_list_tags"_s, QJsonObject{{u"total_ms"_s, median(total)},
                                                     {u"peak_rss_kib"_s, median(peak)},
                                                     {u"runs"_s, m_options.repeats}});
    say(u"skopeo list-tags: %1 ms (median of %2), peak RSS %3 KiB"_s.arg(median(total))
                .arg(m_options.repeats)
                .arg(median(peak)));

    // skopeo inspect of the 40 visible tags, as a person would script it: one process per tag,
    // one after another and six at a time. --no-tags: without it every call lists all tags too.
    const QString tagFile = m_workDir->filePath(u"visible-%1.txt"_s.arg(size));
    {
        QFile file(tagFile);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            fail(u"cannot write "_s + tagFile);
            return;
        }
        file.write(m_visibleTags.join(u'\n').toUtf8() + '\n');
    }
    QJsonObject inspect;
    for (int parallel : {1, SkopeoParallel}) {
        const auto run = ChildRun::run(u"xargs"_s,
                                       {u"-P"_s, QString::number(parallel), u"-I{}"_s, skopeo,
                                        u"inspect"_s, u"--no-tags"_s, u"--tls-verify=false"_s,
                                        base + u":{}"_s},
                                       tagFile);
        const qsizetype inspected = run.out.count("\"Digest\"");
        if (!run.ok() || inspected != VisibleRows) {
            fail(u"skopeo inspect -P%1: %2 of %3 inspected: %4"_s.arg(parallel)
                         .arg(inspected)
                         .arg(VisibleRows)
                         .arg(QString::fromUtf8(run.err.left(300))));
            continue;
        }
        const QString key = parallel == 1 ? u"sequential"_s : u"parallel"_s;
        inspect.insert(key, QJsonObject{{u"ms"_s, run.totalMs},
                                        {u"parallel"_s, parallel},
                                        {u"peak_rss_kib"_s, run.peakKiB},
                                        {u"full_set_extrapolated_ms"_s,
                                         qint64(double(run.totalMs) * size / VisibleRows)}});
        say(u"skopeo inspect x40 -P%1: %2 ms (full set extrapolated: %3 s)"_s.arg(parallel)
                    .arg(run.totalMs)
                    .arg(double(run.totalMs) * size / VisibleRows / 1000.0, 0, 'f', 0));
    }
    result.insert(u"skopeo_inspect"_s, inspect);
}

void Benchmark::measureRaw(int size, QJsonObject &result)
{
    const QUrl base = m_registry->baseUrl();
    const QString repository = repositoryFor(size);
    const QByteArray accept = MediaType::manifestAcceptHeader();
    // The request mix Berth needs for a set of tags: a HEAD per tag, and per distinct digest one
    // manifest GET and one config GET.
    const auto mixFor = [&](const QStringList &tags) {
        QList<RawRequest> mix;
        QSet<QString> digests;
        QSet<QString> configs;
        for (const QString &tag : tags) {
            mix.append({"HEAD"_ba,
                        base.resolved(QUrl(u"/v2/%1/manifests/%2"_s.arg(repository, tag))),
                        accept});
            const Image image = m_imageOfTag.value(tag);
            if (!digests.contains(image.digest)) {
                digests.insert(image.digest);
                mix.append({"GET"_ba,
                            base.resolved(
                                    QUrl(u"/v2/%1/manifests/%2"_s.arg(repository, image.digest))),
                            accept});
            }
            if (!configs.contains(image.configDigest)) {
                configs.insert(image.configDigest);
                mix.append({"GET"_ba,
                            base.resolved(
                                    QUrl(u"/v2/%1/blobs/%2"_s.arg(repository, image.configDigest))),
                            {}});
            }
        }
        return mix;
    };
    QJsonObject raw;
    RawClient client;
    const auto visible = client.run(base, mixFor(m_visibleTags), ScenarioTimeoutMs);
    raw.insert(u"visible"_s, visible.toJson());
    const QStringList sample
            = (m_allTags.isEmpty() ? m_visibleTags : m_allTags).mid(0, m_options.rawSample);
    const auto many = client.run(base, mixFor(sample), ScenarioTimeoutMs);
    QJsonObject manyJson = many.toJson();
    manyJson.insert(u"tags"_s, int(sample.size()));
    raw.insert(u"sample"_s, manyJson);
    if (visible.failed > 0 || many.failed > 0 || visible.ms < 0 || many.ms < 0)
        fail(u"raw client: %1 + %2 requests failed"_s.arg(visible.failed).arg(many.failed));
    result.insert(u"raw"_s, raw);
    say(u"raw client: 40-tag mix %1 requests in %2 ms; %3-tag mix %4 requests in %5 ms (%6/s)"_s
                .arg(visible.requests)
                .arg(visible.ms)
                .arg(sample.size())
                .arg(many.requests)
                .arg(many.ms)
                .arg(many.ms > 0 ? many.requests * 1000 / many.ms : 0));
}

void Benchmark::measureExport(int size, QJsonObject &result)
{
    if (size > m_options.exportMax)
        return;
    // berth export --format json of every tag, against the raw client moving the same requests
    // (a HEAD per tag, a manifest and a config per distinct digest) for the same tags.
    // The CLI keeps its disk cache under XDG_CACHE_HOME: a fresh one per size makes the first
    // export cold and the second warm (and leaves the user's own cache alone).
    const QString reportPath = m_workDir->filePath(u"export-%1.json"_s.arg(size));
    const auto exportVia = [&](const QString &host, const QString &cacheHome) {
        QFile::remove(reportPath);
        const QByteArray before = qgetenv("XDG_CACHE_HOME");
        qputenv("XDG_CACHE_HOME", QFile::encodeName(cacheHome));
        const auto outcome = ChildRun::run(
                m_options.berthBinary, {u"export"_s, u"--plain-http"_s, u"--format"_s, u"json"_s,
                                        u"-o"_s, reportPath, host + u'/' + repositoryFor(size)});
        qputenv("XDG_CACHE_HOME", before);
        return outcome;
    };
    const QString timedCache = m_workDir->filePath(u"export-cache-%1"_s.arg(size));
    const auto run = exportVia(m_registry->host(), timedCache);
    QFile report(reportPath);
    const qsizetype rows = report.open(QIODevice::ReadOnly)
                                   ? QJsonDocument::fromJson(report.readAll())
                                             .object()
                                             .value(u"tags"_s)
                                             .toArray()
                                             .size()
                                   : 0;
    if (!run.ok() || rows != size) {
        fail(u"berth export: %1 of %2 rows: %3"_s.arg(rows).arg(size).arg(
                QString::fromUtf8(run.err.left(300))));
        return;
    }
    QList<RawRequest> mix;
    const QUrl base = m_registry->baseUrl();
    const QString repository = repositoryFor(size);
    const QByteArray accept = MediaType::manifestAcceptHeader();
    QSet<QString> digests;
    QSet<QString> configs;
    for (const QString &tag : std::as_const(m_allTags)) {
        mix.append({"HEAD"_ba, base.resolved(QUrl(u"/v2/%1/manifests/%2"_s.arg(repository, tag))),
                    accept});
        const Image image = m_imageOfTag.value(tag);
        if (!digests.contains(image.digest)) {
            digests.insert(image.digest);
            mix.append({"GET"_ba,
                        base.resolved(QUrl(u"/v2/%1/manifests/%2"_s.arg(repository, image.digest))),
                        accept});
        }
        if (!configs.contains(image.configDigest)) {
            configs.insert(image.configDigest);
            mix.append(
                    {"GET"_ba,
                     base.resolved(QUrl(u"/v2/%1/blobs/%2"_s.arg(repository, image.configDigest))),
                     {}});
        }
    }
    RawClient client;
    const auto raw = client.run(base, mix, ScenarioTimeoutMs);
    if (raw.failed > 0 || raw.ms < 0)
        fail(u"raw client, full mix: %1 failed"_s.arg(raw.failed));

    // The same export again on the cache the first one filled: tags revalidated, nothing else.
    const auto warm = exportVia(m_registry->host(), timedCache);
    if (!warm.ok())
        fail(u"berth export, warm: "_s + QString::fromUtf8(warm.err.left(300)));
    // What each sends, counted by a proxy in front of the registry (a pair of runs of its own on
    // a fresh cache: the proxy's forwarding is not in the times above).
    FaultProxy proxy;
    QString proxyError;
    RequestCounts coldCounts;
    RequestCounts warmCounts;
    if (!proxy.start(u"127.0.0.1"_s, quint16(m_registry->port()), &proxyError)) {
        fail(u"proxy for export counts: "_s + proxyError);
    } else {
        RequestCounts *counting = &coldCounts;
        QObject::connect(&proxy, &FaultProxy::requestSeen, &proxy,
                         [&counting](const QByteArray &method, const QString &path) {
                             counting->count(method, path);
                         });
        const QString countedCache = m_workDir->filePath(u"export-counted-%1"_s.arg(size));
        bool counted = exportVia(proxy.host(), countedCache).ok();
        counting = &warmCounts;
        counted = counted && exportVia(proxy.host(), countedCache).ok();
        if (!counted)
            fail(u"berth export through the counting proxy failed"_s);
    }
    result.insert(u"export_warm"_s, QJsonObject{{u"cold_ms"_s, run.totalMs},
                                                {u"warm_ms"_s, warm.totalMs},
                                                {u"cold_requests"_s, coldCounts.toJson()},
                                                {u"warm_requests"_s, warmCounts.toJson()}});
    say(u"berth export warm: %1 ms against %2 ms cold; requests cold %3, warm %4"_s
                .arg(warm.totalMs)
                .arg(run.totalMs)
                .arg(coldCounts.toText(), warmCounts.toText()));
    result.insert(u"export"_s, QJsonObject{{u"ms"_s, run.totalMs},
                                           {u"rows"_s, int(rows)},
                                           {u"tags_per_s"_s,
                                            run.totalMs > 0 ? size * 1000.0 / run.totalMs : 0.0},
                                           {u"peak_rss_kib"_s, run.peakKiB},
                                           {u"raw_full"_s, raw.toJson()}});
    say(u"berth export --format json: %1 tags in %2 ms (%3 tags/s), peak RSS %4 KiB; raw client, "
        "same %5 requests: %6 ms"_s.arg(size)
                .arg(run.totalMs)
                .arg(run.totalMs > 0 ? size * 1000 / run.totalMs : 0)
                .arg(run.peakKiB)
                .arg(raw.requests)
                .arg(raw.ms));
}

void Benchmark::measureHarbor(int size, QJsonObject &result)
{
    // The Harbor test server pages /v2/<repo>/tags/list for real (n/last with a Link), which
    // Distribution does not: the place to see whether first rows stay independent of size.
    // It runs in this process (Qt HttpServer on this thread), so its work shows in the model's
    // timings as a real server's would, and no event-loop stall is measured here.
    QString error;
    if (!m_harbor) {
        m_harbor = std::make_unique<HarborServer>(m_registry.get());
        if (!m_harbor->start(&error)) {
            fail(u"Harbor test server: "_s + error);
            m_harbor.reset();
            return;
        }
        m_harbor->createProject(u"bench"_s, true);
    }
    const QString repository = repositoryFor(size);
    const QString name = repository.section(u'/', 1);
    QElapsedTimer clock;
    clock.start();
    for (const Pushed &pushed : std::as_const(m_pushed)) {
        if (!m_harbor->importReference(repository, pushed.firstTag, &error)
            || m_harbor->addTags(u"bench"_s, name, pushed.digest, pushed.rest, &error) < 0) {
            fail(u"Harbor import of %1: %2"_s.arg(repository, error));
            return;
        }
    }
    const qint64 importMs = clock.elapsed();

    QJsonObject harbor{{u"import_ms"_s, importMs}};
    // As admin: this server, like Harbor, gives no token without credentials and scope, and
    // Berth asks for one when it connects (see docs/performance.md).
    const QString reference = m_harbor->host() + u'/' + repository;
    const QString passwordFile = m_workDir->filePath(u"harbor-password"_s);
    {
        QFile file(passwordFile);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return fail(u"cannot write "_s + passwordFile);
        file.write(QString(HarborServer::adminPassword).toUtf8());
    }
    QList<qint64> first, total;
    for (int i = 0; i < m_options.repeats; ++i) {
        const auto run = ChildRun::run(m_options.berthBinary,
                                       {u"tags"_s, u"--plain-http"_s, u"--username"_s,
                                        QString(HarborServer::adminName), u"--password-stdin"_s,
                                        reference},
                                       passwordFile);
        const qsizetype lines = run.out.count('\n');
        if (!run.ok() || lines != size) {
            fail(u"berth tags on Harbor: %1 of %2 lines: %3"_s.arg(lines).arg(size).arg(
                    QString::fromUtf8(run.err.left(300))));
            break;
        }
        first.append(run.firstLineMs);
        total.append(run.totalMs);
    }
    harbor.insert(u"berth_tags"_s,
                  QJsonObject{{u"first_line_ms"_s, median(first)}, {u"total_ms"_s, median(total)}});
    if (const QString skopeo = skopeoBinary(); !skopeo.isEmpty()) {
        QList<qint64> skopeoTotal;
        for (int i = 0; i < m_options.repeats; ++i) {
            const auto run = ChildRun::run(
                    skopeo, {u"list-tags"_s, u"--tls-verify=false"_s, u"--creds"_s,
                             HarborServer::adminName + u':' + HarborServer::adminPassword,
                             u"docker://"_s + reference});
            const qsizetype tags
                    = QJsonDocument::fromJson(run.out).object().value(u"Tags"_s).toArray().size();
            if (!run.ok() || tags != size) {
                fail(u"skopeo list-tags on Harbor: %1 of %2 tags"_s.arg(tags).arg(size));
                break;
            }
            skopeoTotal.append(run.totalMs);
        }
        harbor.insert(u"skopeo_list_tags"_s, QJsonObject{{u"total_ms"_s, median(skopeoTotal)}});
    }
    {
        // After the listings above: the server builds its sorted tag index on the first
        // listing after an import, a one-time cost a real Harbor (a database) does not have.
        Credentials admin;
        admin.username = HarborServer::adminName;
        admin.password = HarborServer::adminPassword;
        // As the plain registry it also is (Registry kind): the /v2/ tags listing, paged.
        if (const auto stack = openStack(u"Harbor"_s, m_harbor->host(), nullptr, admin)) {
            TagTableModel model;
            clock.restart();
            model.setRepository(&stack->service(), repository);
            const qint64 firstRowsMs = waitForFirstRows(model, clock);
            if (firstRowsMs < 0 || model.rowCount() == 0)
                fail(u"Harbor: no first rows (%1)"_s.arg(model.lastError().toString()));
            harbor.insert(u"model_first_rows_ms"_s, firstRowsMs);
            harbor.insert(u"model_first_rows"_s, model.rowCount());
            harbor.insert(u"requests_to_first_rows"_s, stack->counts().total());
        }
    }
    measureHarborApi(repository, harbor);
    if (size <= m_options.exportMax) {
        // berth export on Harbor, found by detection: tags and the Harbor columns (pushed,
        // pulled, labels, vulnerabilities) from the artifact pages, digests and sizes via /v2/.
        // The server counts the requests (it runs in this process).
        const QString reportPath = m_workDir->filePath(u"harbor-export-%1.json"_s.arg(size));
        QFile::remove(reportPath);
        m_harbor->resetCounters();
        const auto run = ChildRun::run(m_options.berthBinary,
                                       {u"export"_s, u"--plain-http"_s, u"--username"_s,
                                        QString(HarborServer::adminName), u"--password-stdin"_s,
                                        u"--no-cache"_s, u"--format"_s, u"json"_s, u"-o"_s,
                                        reportPath, reference},
                                       passwordFile);
        QFile report(reportPath);
        const QJsonArray tags = report.open(QIODevice::ReadOnly)
                                        ? QJsonDocument::fromJson(report.readAll())
                                                  .object()
                                                  .value(u"tags"_s)
                                                  .toArray()
                                        : QJsonArray();
        const bool hasHarborColumns
                = !tags.isEmpty() && tags.first().toObject().contains(u"harbor"_s);
        if (!run.ok() || tags.size() != size || !hasHarborColumns) {
            fail(u"berth export on Harbor: %1 of %2 rows%3: %4"_s.arg(tags.size())
                         .arg(size)
                         .arg(hasHarborColumns ? QString() : u", no Harbor columns"_s,
                              QString::fromUtf8(run.err.left(300))));
        } else {
            harbor.insert(u"export"_s,
                          QJsonObject{{u"ms"_s, run.totalMs},
                                      {u"rows"_s, int(tags.size())},
                                      {u"tags_per_s"_s,
                                       run.totalMs > 0 ? size * 1000.0 / run.totalMs : 0.0},
                                      {u"requests"_s, m_harbor->requestCount()},
                                      {u"peak_rss_kib"_s, run.peakKiB}});
        }
    }
    result.insert(u"harbor"_s, harbor);
    say(u"Harbor test server: import %1 ms; model first rows %2 ms; berth tags first line %3 ms, "
        "all %4 ms; skopeo list-tags %5 ms"_s.arg(importMs)
                .arg(harbor.value(u"model_first_rows_ms"_s).toInteger())
                .arg(median(first))
                .arg(median(total))
                .arg(harbor.value(u"skopeo_list_tags"_s)[u"total_ms"_s].toInteger(-1)));
}

void Benchmark::measureHarborApi(const QString &repository, QJsonObject &harbor)
{
    // The same model through Harbor's own API (HarborBackend, 2.x): tag names from the paged
    // tags endpoint, then newest pushed first, which the server sorts (sort=-push_time) so it
    // costs one page instead of a crawl of every tag. Connecting is not timed: the app connects
    // once per registry, not per repository.
    Credentials admin;
    admin.username = HarborServer::adminName;
    admin.password = HarborServer::adminPassword;
    for (const bool byPushTime : {false, true}) {
        const QString key = byPushTime ? u"api_first_rows_by_push_time"_s : u"api_first_rows"_s;
        const auto stack
                = openStack(u"Harbor API"_s, m_harbor->host(), nullptr, admin, BackendKind::Harbor);
        if (!stack)
            return;
        TagTableModel model;
        if (byPushTime) {
            TagQuery query;
            query.sortField = TagQuery::SortField::PushTime;
            query.descending = true;
            model.setTagQuery(query);
        }
        QElapsedTimer clock;
        clock.start();
        model.setRepository(&stack->service(), repository);
        const qint64 ms = waitForFirstRows(model, clock);
        if (ms < 0 || model.rowCount() == 0) {
            fail(u"Harbor API: no first rows (%1)"_s.arg(model.lastError().toString()));
            return;
        }
        harbor.insert(key, QJsonObject{{u"ms"_s, ms},
                                       {u"rows"_s, model.rowCount()},
                                       {u"requests"_s, stack->counts().total()}});
        if (byPushTime || model.rowCount() < VisibleRows)
            continue;

        // 40 visible rows with full metadata, cold (no disk cache): digests and sizes through
        // Harbor's /v2/, as on the plain registry.
        stack->resetCounts();
        QElapsedTimer visibleClock;
        visibleClock.start();
        model.updater()->setVisibleRange(0, VisibleRows - 1);
        const qint64 visibleMs = waitForVisibleRows(
                model, visibleClock,
                {TagTableModel::LoadState::Loaded, TagTableModel::LoadState::Failed});
        const int failed = countState(model, 0, VisibleRows - 1, TagTableModel::LoadState::Failed);
        if (visibleMs < 0 || failed > 0)
            fail(u"Harbor API: 40 visible rows of %1 did not load (%2 failed)"_s.arg(repository)
                         .arg(failed));
        harbor.insert(u"api_visible"_s, QJsonObject{{u"ms"_s, visibleMs},
                                                    {u"failed"_s, failed},
                                                    {u"requests"_s, stack->counts().toJson()}});
    }
}

void Benchmark::measureCleanupPlan(int size, QJsonObject &result)
{
    if (size > m_options.cleanupMax)
        return;
    MetadataCache cache(cachePathFor(size));
    if (!cache.open()) {
        fail(u"cannot open the metadata cache"_s);
        return;
    }
    const auto stack = openStack(u"cleanup plan"_s, m_registry->host(), &cache);
    if (!stack)
        return;
    QElapsedTimer clock;
    clock.start();
    const auto inventory = waitFor(new InventoryJob(&stack->service(), repositoryFor(size),
                                                    InventoryJob::Tags, stack.get()),
                                   ScenarioTimeoutMs);
    const qint64 inventoryMs = clock.elapsed();
    if (!inventory.ok()) {
        fail(u"cleanup plan: "_s + inventory.error().toString());
        return;
    }
    RetentionRules rules;
    rules.keepLast = 10;
    clock.restart();
    const CleanupPlan plan = planCleanup(*inventory, rules, QDateTime::currentDateTimeUtc());
    const qint64 planMs = clock.elapsed();
    const RequestCounts counts = stack->counts();
    result.insert(u"cleanup_plan"_s,
                  QJsonObject{{u"inventory_ms"_s, inventoryMs},
                              {u"plan_ms"_s, planMs},
                              {u"final"_s, plan.isFinal()},
                              {u"removed"_s, plan.summary.untag + plan.summary.remove},
                              {u"requests"_s, counts.toJson()}});
    say(u"cleanup plan (keep the newest 10): every tag read in %1 ms with %2 requests, planned in "
        "%3 ms; %4 of %5 tags removed"_s.arg(inventoryMs)
                .arg(counts.toText())
                .arg(planMs)
                .arg(plan.summary.untag + plan.summary.remove)
                .arg(plan.tags.size()));
}

void Benchmark::measureCleanupRun()
{
    // Two repositories with the same images, a tag each: Berth's run deletes every image of one
    // (the plan keeps none), the raw client sends the DELETEs alone to the other.
    const int images = m_options.quick ? 20 : 100;
    say(u"\n== clean-up run: %1 images =="_s.arg(images));
    const QString runRepository = u"bench/cleanup-run"_s;
    const QString rawRepository = u"bench/cleanup-raw"_s;
    ImageSeeder seeder(m_registry->host());
    const auto seededRun = seeder.pushAllAndWait(
            ImageBuilder::manyTagsPlan(runRepository, images, images), ScenarioTimeoutMs);
    const auto seededRaw = seeder.pushAllAndWait(
            ImageBuilder::manyTagsPlan(rawRepository, images, images), ScenarioTimeoutMs);
    if (!seededRun || !seededRaw) {
        fail(u"cleanup run: seeding failed"_s);
        return;
    }
    const auto stack = openStack(u"cleanup run"_s, m_registry->host(), nullptr);
    if (!stack)
        return;
    const auto inventory = waitFor(
            new InventoryJob(&stack->service(), runRepository, InventoryJob::Tags, stack.get()),
            ScenarioTimeoutMs);
    if (!inventory.ok()) {
        fail(u"cleanup run: "_s + inventory.error().toString());
        return;
    }
    RetentionRules rules;
    rules.keepLast = 0;
    const CleanupPlan plan = planCleanup(*inventory, rules, QDateTime::currentDateTimeUtc());
    stack->resetCounts();
    QElapsedTimer clock;
    clock.start();
    const auto outcome
            = waitFor(new CleanupRun(&stack->service(), stack->session().operations(), plan,
                                     m_registry->host(), m_workDir->filePath(u"cleanup.jsonl"_s),
                                     stack.get()),
                      ScenarioTimeoutMs);
    const qint64 runMs = clock.elapsed();
    if (!outcome.ok() || !outcome->ok() || outcome->removed.size() != images) {
        fail(u"cleanup run: %1"_s.arg(outcome.ok() ? outcome->failed.join(u"; "_s)
                                                   : outcome.error().toString()));
        return;
    }
    const RequestCounts counts = stack->counts();
    QList<RawRequest> deletes;
    const QUrl base = m_registry->baseUrl();
    for (const SeededImage &image : *seededRaw) {
        deletes.append(
                {"DELETE"_ba,
                 base.resolved(QUrl(u"/v2/%1/manifests/%2"_s.arg(rawRepository, image.digest))),
                 {}});
    }
    RawClient client;
    const auto raw = client.run(base, deletes, ScenarioTimeoutMs);
    if (raw.failed > 0 || raw.ms <= 0) {
        fail(u"cleanup run: the raw DELETEs failed (%1)"_s.arg(raw.failed));
        return;
    }
    m_cleanupRun = QJsonObject{{u"images"_s, images},
                               {u"run_ms"_s, runMs},
                               {u"requests"_s, counts.total()},
                               {u"raw_deletes_ms"_s, raw.ms},
                               {u"ratio"_s, double(runMs) / double(raw.ms)}};
    say(u"cleanup run: %1 images deleted in %2 ms (%3/s) with %4 requests; the raw client's %1 "
        "DELETEs: %5 ms (%6/s); run / raw %7x"_s.arg(images)
                .arg(runMs)
                .arg(images * 1000 / std::max<qint64>(1, runMs))
                .arg(counts.total())
                .arg(raw.ms)
                .arg(images * 1000 / std::max<qint64>(1, raw.ms))
                .arg(double(runMs) / double(raw.ms), 0, 'f', 2));
}

void Benchmark::measureMemory()
{
    say(u"\n== memory: %1 tag rows (names only) =="_s.arg(m_options.memoryRows));
    // A separate process: this one has run every other scenario, its heap says nothing about
    // what a row costs.
    const auto run = ChildRun::run(QCoreApplication::applicationFilePath(),
                                   {u"--memory-child"_s, QString::number(m_options.memoryRows)});
    const QList<QByteArray> lines = run.out.trimmed().split('\n');
    m_memory = QJsonDocument::fromJson(lines.constLast()).object();
    if (!run.ok() || m_memory.isEmpty()) {
        fail(u"memory child failed: "_s + QString::fromUtf8(run.err.left(500)));
        return;
    }
    m_memory.insert(u"feed"_s, u"SyntheticTagPager (no registry): see docs/performance.md"_s);
    say(u"memory: %1 rows, RSS %2 MiB (before the rows %3 MiB), %4 bytes/row, loaded in %5 ms"_s
                .arg(m_memory.value(u"rows"_s).toInteger())
                .arg(m_memory.value(u"rss_after_kib"_s).toInteger() / 1024)
                .arg(m_memory.value(u"rss_before_kib"_s).toInteger() / 1024)
                .arg(m_memory.value(u"bytes_per_row"_s).toDouble(), 0, 'f', 1)
                .arg(m_memory.value(u"load_ms"_s).toInteger()));
}

int Benchmark::runMemoryChild(qint64 rows)
{
    SyntheticBackend backend(rows);
    MetadataService service(&backend, nullptr);
    TagTableModel model;
    const qint64 before = ProcessMemory::residentKiB();
    QElapsedTimer clock;
    clock.start();
    model.setRepository(&service, u"synthetic/tags"_s);
    model.fetchAll();
    Waiter done([&] { return model.isAtEnd(); }, clock);
    done.on(&model, &TagTableModel::pageFetched);
    const qint64 ms = done.wait(ScenarioTimeoutMs);
    // Let deferred deletes and posted events run so the figure is the steady state.
    QCoreApplication::processEvents();
    const qint64 after = ProcessMemory::residentKiB();
    const QJsonObject out{
            {u"rows"_s, model.rowCount()},
            {u"load_ms"_s, ms},
            {u"rss_before_kib"_s, before},
            {u"rss_after_kib"_s, after},
            {u"peak_rss_kib"_s, ProcessMemory::peakKiB()},
            {u"bytes_per_row"_s,
             model.rowCount() > 0 ? double(after - before) * 1024.0 / model.rowCount() : 0.0}};
    say(QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Compact)));
    return model.rowCount() == rows ? 0 : 1;
}

QJsonObject Benchmark::machine() const
{
    const QString memTotal = readFirstLine(u"/proc/meminfo"_s, "MemTotal:");
    return {{u"cpus"_s, QThread::idealThreadCount()},
            {u"cpu_model"_s, readFirstLine(u"/proc/cpuinfo"_s, "model name")},
            {u"memory"_s, memTotal},
            {u"kernel"_s, QSysInfo::kernelVersion()},
            {u"os"_s, QSysInfo::prettyProductName()},
            {u"qt"_s, QString::fromLatin1(qVersion())},
            {u"load_average"_s, readFirstLine(u"/proc/loadavg"_s, "")}};
}

QJsonArray Benchmark::targets() const
{
    QJsonArray out;
    const auto add = [&out](const QString &target, const QString &state, const QString &detail) {
        out.append(QJsonObject{{u"target"_s, target}, {u"state"_s, state}, {u"detail"_s, detail}});
    };
    {
        bool measured = false;
        bool met = true;
        QStringList detail;
        for (const QJsonValue &value : m_sizes) {
            const QJsonObject size = value.toObject();
            const qint64 berth = size.value(u"export"_s)[u"ms"_s].toInteger(-1);
            const qint64 raw = size.value(u"export"_s)[u"raw_full"_s][u"ms"_s].toInteger(-1);
            if (berth < 0 || raw <= 0)
                continue;
            measured = true;
            met = met && double(berth) <= 1.5 * double(raw);
            detail.append(u"%1: %2x"_s.arg(size.value(u"tags"_s).toInt())
                                  .arg(ratio(berth, raw), 0, 'f', 2));
        }
        add(u"berth export within 1.5x of the raw capacity"_s,
            !measured ? u"not measurable yet"_s
            : met     ? u"met"_s
                      : u"not met"_s,
            u"berth export --format json / raw client, same requests: "_s
                    + (detail.isEmpty() ? u"-"_s : detail.join(u", "_s)));
    }

    bool listingMet = true;
    bool listingMeasured = false;
    QStringList listing;
    qint64 worstStall = -1;
    for (const QJsonValue &value : m_sizes) {
        const QJsonObject size = value.toObject();
        const qint64 berth = size.value(u"berth_tags"_s)[u"total_ms"_s].toInteger(-1);
        const qint64 skopeo = size.value(u"skopeo_list_tags"_s)[u"total_ms"_s].toInteger(-1);
        if (berth >= 0 && skopeo > 0) {
            listingMeasured = true;
            listingMet = listingMet && berth <= skopeo;
            listing.append(u"%1: %2x"_s.arg(size.value(u"tags"_s).toInt())
                                   .arg(ratio(berth, skopeo), 0, 'f', 2));
        }
        const qint64 harborBerth
                = size.value(u"harbor"_s)[u"berth_tags"_s][u"total_ms"_s].toInteger(-1);
        const qint64 harborSkopeo
                = size.value(u"harbor"_s)[u"skopeo_list_tags"_s][u"total_ms"_s].toInteger(-1);
        if (harborBerth >= 0 && harborSkopeo > 0) {
            listingMeasured = true;
            listingMet = listingMet && harborBerth <= harborSkopeo;
            listing.append(u"Harbor %1: %2x"_s.arg(size.value(u"tags"_s).toInt())
                                   .arg(ratio(harborBerth, harborSkopeo), 0, 'f', 2));
        }
        worstStall = std::max(worstStall,
                              size.value(u"model_full"_s)[u"longest_stall_ms"_s].toInteger(-1));
    }
    add(u"full tag listing no slower than skopeo list-tags"_s,
        !listingMeasured ? u"not measurable yet"_s
        : listingMet     ? u"met"_s
                         : u"not met"_s,
        u"berth tags / skopeo list-tags: "_s + listing.join(u", "_s));
    qint64 smallest = -1;
    qint64 largest = -1;
    int smallestSize = 0;
    int largestSize = 0;
    for (const QJsonValue &value : m_sizes) {
        const QJsonObject size = value.toObject();
        const qint64 ms = size.value(u"harbor"_s)[u"model_first_rows_ms"_s].toInteger(-1);
        if (ms < 0)
            continue;
        if (smallest < 0) {
            smallest = ms;
            smallestSize = size.value(u"tags"_s).toInt();
        }
        largest = ms;
        largestSize = size.value(u"tags"_s).toInt();
    }
    const bool pagingMeasured = smallest >= 0 && largestSize >= 100 * smallestSize;
    add(u"first rows from a paging server independent of size (100,000 vs 1,000 within 1.5x)"_s,
        !pagingMeasured                                                  ? u"not measurable yet"_s
        : double(largest) <= 1.5 * double(std::max<qint64>(smallest, 1)) ? u"met"_s
                                                                         : u"not met"_s,
        pagingMeasured
                ? u"Harbor test server (tags/list paged), model first rows: %1 tags %2 ms, "
                  "%3 tags %4 ms (%5x); Distribution does not page tags/list"_s.arg(smallestSize)
                          .arg(smallest)
                          .arg(largestSize)
                          .arg(largest)
                          .arg(ratio(largest, smallest), 0, 'f', 2)
                : u"needs the Harbor test server at 1,000 and 100,000 tags in one run"_s);
    add(u"longest event-loop stall under 50 ms"_s,
        worstStall < 0    ? u"not measurable yet"_s
        : worstStall < 50 ? u"met"_s
                          : u"not met"_s,
        u"worst over all sizes: %1 ms"_s.arg(worstStall));
    const qint64 rss = m_memory.value(u"rss_after_kib"_s).toInteger(-1);
    const qint64 rows = m_memory.value(u"rows"_s).toInteger(0);
    add(u"1,000,000 tag rows in under 150 MB total RSS"_s,
        rss < 0 || rows < 1000000          ? u"not measured (fewer rows in this run)"_s
        : rss * 1024 < 150LL * 1000 * 1000 ? u"met"_s
                                           : u"not met"_s,
        u"%1 rows: %2 MB total RSS"_s.arg(rows).arg(double(rss) * 1024 / 1e6, 0, 'f', 1));
    return out;
}

void Benchmark::printTable() const
{
    QString text;
    QTextStream out(&text);
    const QLocale c = QLocale::c();
    const auto num = [&](qint64 v) {
        return v < 0 ? u"-"_s : QLocale(QLocale::English).toString(v);
    };
    const auto times = [&](double r) {
        return r < 0 ? u"-"_s : c.toString(r, 'f', 2) + u'x';
    };
    const auto mib = [&](qint64 kib) {
        return kib < 0 ? u"-"_s : c.toString(kib / 1024.0, 'f', 0);
    };
    const auto get = [](const QJsonObject &size, const QString &path) -> QJsonValue {
        QJsonValue v = size;
        for (const QString &key : path.split(u'.'))
            v = v.toObject().value(key);
        return v;
    };
    const auto ms = [&](const QJsonObject &size, const QString &path) {
        return get(size, path).toInteger(-1);
    };
    constexpr int LabelWidth = 52;
    constexpr int ColumnWidth = 12;
    const auto row
            = [&](const QString &label, const std::function<QString(const QJsonObject &)> &cell) {
                  out << label.leftJustified(LabelWidth);
                  for (const QJsonValue &size : m_sizes)
                      out << cell(size.toObject()).rightJustified(ColumnWidth);
                  out << '\n';
              };
    // The common cells: a figure in ms, a ratio of two figures, a size in MiB (paths into a
    // size's JSON object, "a.b.c").
    const auto msRow = [&](const QString &label, const QString &path) {
        row(label, [&](const QJsonObject &s) { return num(ms(s, path)); });
    };
    const auto ratioRow
            = [&](const QString &label, const QString &numerator, const QString &denominator) {
                  row(label, [&](const QJsonObject &s) {
                      return times(ratio(ms(s, numerator), ms(s, denominator)));
                  });
              };
    const auto mibRow = [&](const QString &label, const QString &path) {
        row(label, [&](const QJsonObject &s) { return mib(ms(s, path)); });
    };
    const auto requestsText = [&](const QJsonObject &size, const QString &path) {
        const QJsonObject r = get(size, path).toObject();
        if (r.isEmpty())
            return u"-"_s;
        return u"%1/%2/%3"_s.arg(r.value(u"head_manifest"_s).toInt())
                .arg(r.value(u"get_manifest"_s).toInt())
                .arg(r.value(u"get_blob"_s).toInt());
    };

    out << "\nBerth benchmark: Distribution 2.8 registry on loopback (plain HTTP); tags written "
           "into storage\nwith writeTagsIntoStorage over "
        << m_options.images << " distinct images pushed with ImageSeeder. Times in ms (median of "
        << m_options.repeats
        << " for the\nlisting commands), memory in MiB. Ratios: Berth / peer, Berth / raw (below "
           "1 = Berth faster).\n\n";
    row(u"tags"_s, [&](const QJsonObject &s) { return num(s.value(u"tags"_s).toInteger()); });
    msRow(u"model: first rows (setRepository -> pageFetched)"_s, u"model_cold.first_rows_ms"_s);
    msRow(u"raw client: GET tags/list (whole list)"_s, u"first_screen.raw_tags_list_ms"_s);
    msRow(u"first screen final: top 40 names + metadata"_s, u"first_screen.final_ms"_s);
    row(u"  final - raw tags/list (target <= 500)"_s, [&](const QJsonObject &s) {
        const qint64 f = ms(s, u"first_screen.final_ms"_s);
        const qint64 r = ms(s, u"first_screen.raw_tags_list_ms"_s);
        return f < 0 || r < 0 ? u"-"_s : num(f - r);
    });
    row(u"  times the top 40 changed while opening"_s,
        [&](const QJsonObject &s) { return num(ms(s, u"first_screen.top_changes"_s)); });
    row(u"  requests HEAD/manifest/blob at final"_s,
        [&](const QJsonObject &s) { return requestsText(s, u"first_screen.requests_at_final"_s); });
    row(u"  requests HEAD/manifest/blob after 1.5 s"_s,
        [&](const QJsonObject &s) { return requestsText(s, u"first_screen.requests_settled"_s); });
    msRow(u"berth tags: first line"_s, u"berth_tags.first_line_ms"_s);
    msRow(u"berth tags: all lines"_s, u"berth_tags.total_ms"_s);
    msRow(u"skopeo list-tags"_s, u"skopeo_list_tags.total_ms"_s);
    ratioRow(u"  berth tags / skopeo list-tags"_s, u"berth_tags.total_ms"_s,
             u"skopeo_list_tags.total_ms"_s);
    msRow(u"40 visible rows loaded, cold"_s, u"model_cold.visible_ms"_s);
    row(u"  requests HEAD/manifest/blob"_s,
        [&](const QJsonObject &s) { return requestsText(s, u"model_cold.requests_at_visible"_s); });
    msRow(u"  + margin (80 rows) settled"_s, u"model_cold.settled_ms"_s);
    row(u"  requests HEAD/manifest/blob incl. margin"_s,
        [&](const QJsonObject &s) { return requestsText(s, u"model_cold.requests_settled"_s); });
    msRow(u"40 visible rows, warm cache: shown"_s, u"model_warm.visible_shown_ms"_s);
    msRow(u"40 visible rows, warm cache: confirmed (HEADs)"_s, u"model_warm.visible_ms"_s);
    row(u"  requests HEAD/manifest/blob"_s,
        [&](const QJsonObject &s) { return requestsText(s, u"model_warm.requests_at_visible"_s); });
    msRow(u"skopeo inspect x40, sequential"_s, u"skopeo_inspect.sequential.ms"_s);
    ratioRow(u"  Berth cold / skopeo sequential"_s, u"model_cold.visible_ms"_s,
             u"skopeo_inspect.sequential.ms"_s);
    msRow(u"skopeo inspect x40, xargs -P6"_s, u"skopeo_inspect.parallel.ms"_s);
    ratioRow(u"  Berth cold / skopeo -P6"_s, u"model_cold.visible_ms"_s,
             u"skopeo_inspect.parallel.ms"_s);
    row(u"skopeo inspect, full set extrapolated, seq (s)"_s, [&](const QJsonObject &s) {
        const qint64 v = ms(s, u"skopeo_inspect.sequential.full_set_extrapolated_ms"_s);
        return v < 0 ? u"-"_s : num(v / 1000);
    });
    row(u"skopeo inspect, full set extrapolated, -P6 (s)"_s, [&](const QJsonObject &s) {
        const qint64 v = ms(s, u"skopeo_inspect.parallel.full_set_extrapolated_ms"_s);
        return v < 0 ? u"-"_s : num(v / 1000);
    });
    msRow(u"raw client: 40-tag mix (same requests, known digests)"_s, u"raw.visible.ms"_s);
    ratioRow(u"  Berth cold / raw"_s, u"model_cold.visible_ms"_s, u"raw.visible.ms"_s);
    msRow(u"raw client: 1,000-tag mix"_s, u"raw.sample.ms"_s);
    row(u"  raw requests/s"_s, [&](const QJsonObject &s) {
        return num(qint64(get(s, u"raw.sample.requests_per_s"_s).toDouble(-1)));
    });
    msRow(u"model loadAllMetadata, every tag (<= 1,000 only)"_s, u"model_bulk.ms"_s);
    ratioRow(u"  Berth bulk / raw"_s, u"model_bulk.ms"_s, u"raw.sample.ms"_s);
    msRow(u"berth export --format json, every tag"_s, u"export.ms"_s);
    row(u"  tags/s"_s, [&](const QJsonObject &s) {
        return num(qint64(get(s, u"export.tags_per_s"_s).toDouble(-1)));
    });
    msRow(u"raw client: full mix, every tag"_s, u"export.raw_full.ms"_s);
    ratioRow(u"  berth export / raw"_s, u"export.ms"_s, u"export.raw_full.ms"_s);
    msRow(u"berth export again, warm disk cache"_s, u"export_warm.warm_ms"_s);
    ratioRow(u"  warm / cold (aim <= 0.5x)"_s, u"export_warm.warm_ms"_s, u"export_warm.cold_ms"_s);
    row(u"  requests HEAD/manifest/blob cold"_s,
        [&](const QJsonObject &s) { return requestsText(s, u"export_warm.cold_requests"_s); });
    row(u"  requests HEAD/manifest/blob warm"_s,
        [&](const QJsonObject &s) { return requestsText(s, u"export_warm.warm_requests"_s); });
    mibRow(u"peak RSS: berth export (MiB)"_s, u"export.peak_rss_kib"_s);
    msRow(u"clean-up plan: every tag read (keep newest 10)"_s, u"cleanup_plan.inventory_ms"_s);
    row(u"  requests: HEADs + manifests and configs"_s, [&](const QJsonObject &s) {
        const QJsonObject r = get(s, u"cleanup_plan.requests"_s).toObject();
        if (r.isEmpty())
            return u"-"_s;
        return u"%1+%2"_s.arg(r.value(u"head_manifest"_s).toInt())
                .arg(r.value(u"get_manifest"_s).toInt() + r.value(u"get_blob"_s).toInt());
    });
    row(u"  Berth / raw capacity (a HEAD per tag at raw/s)"_s, [&](const QJsonObject &s) {
        const double rate = get(s, u"raw.sample.requests_per_s"_s).toDouble(-1);
        const qint64 tags = s.value(u"tags"_s).toInteger();
        return rate > 0 ? times(ratio(ms(s, u"cleanup_plan.inventory_ms"_s),
                                      qint64(double(tags) * 1000.0 / rate)))
                        : u"-"_s;
    });
    msRow(u"  planning alone (planCleanup)"_s, u"cleanup_plan.plan_ms"_s);
    msRow(u"model fetchAll: every row + 40 visible loaded"_s, u"model_full.all_rows_ms"_s);
    msRow(u"  longest event-loop stall (5 ms checker)"_s, u"model_full.longest_stall_ms"_s);
    mibRow(u"peak RSS: bench process, model cold (MiB)"_s, u"model_cold.peak_rss_kib"_s);
    mibRow(u"peak RSS: bench process, model fetchAll (MiB)"_s, u"model_full.peak_rss_kib"_s);
    mibRow(u"peak RSS: berth tags (MiB)"_s, u"berth_tags.peak_rss_kib"_s);
    mibRow(u"peak RSS: skopeo list-tags (MiB)"_s, u"skopeo_list_tags.peak_rss_kib"_s);
    mibRow(u"peak RSS: skopeo inspect, largest process (MiB)"_s,
           u"skopeo_inspect.parallel.peak_rss_kib"_s);

    out << "\nHarbor test server (in this process; tags/list paged with n/last; as admin):\n";
    msRow(u"model: first rows"_s, u"harbor.model_first_rows_ms"_s);
    msRow(u"model via Harbor API: first rows"_s, u"harbor.api_first_rows.ms"_s);
    msRow(u"  requests to first rows"_s, u"harbor.api_first_rows.requests"_s);
    msRow(u"model via Harbor API: 40 visible rows loaded, cold"_s, u"harbor.api_visible.ms"_s);
    row(u"  requests HEAD/manifest/blob"_s,
        [&](const QJsonObject &s) { return requestsText(s, u"harbor.api_visible.requests"_s); });
    msRow(u"berth export --format json (Harbor columns)"_s, u"harbor.export.ms"_s);
    msRow(u"  requests served"_s, u"harbor.export.requests"_s);
    row(u"  tags/s"_s, [&](const QJsonObject &s) {
        return num(qint64(get(s, u"harbor.export.tags_per_s"_s).toDouble(-1)));
    });
    msRow(u"model via Harbor API: first rows, newest pushed"_s,
          u"harbor.api_first_rows_by_push_time.ms"_s);
    msRow(u"  requests to first rows"_s, u"harbor.api_first_rows_by_push_time.requests"_s);
    msRow(u"berth tags: first line"_s, u"harbor.berth_tags.first_line_ms"_s);
    msRow(u"berth tags: all lines"_s, u"harbor.berth_tags.total_ms"_s);
    msRow(u"skopeo list-tags"_s, u"harbor.skopeo_list_tags.total_ms"_s);
    ratioRow(u"  berth tags / skopeo list-tags"_s, u"harbor.berth_tags.total_ms"_s,
             u"harbor.skopeo_list_tags.total_ms"_s);

    if (!m_cleanupRun.isEmpty()) {
        out << "\nClean-up run: " << m_cleanupRun.value(u"images"_s).toInt()
            << " images deleted (plan: keep none) in "
            << num(m_cleanupRun.value(u"run_ms"_s).toInteger()) << " ms with "
            << m_cleanupRun.value(u"requests"_s).toInt()
            << " requests (checks, journal, deletes, final listing); the raw client's DELETEs "
               "alone: "
            << num(m_cleanupRun.value(u"raw_deletes_ms"_s).toInteger()) << " ms; run / raw "
            << QString::number(m_cleanupRun.value(u"ratio"_s).toDouble(), 'f', 2) << "x\n";
    }
    if (!m_memory.isEmpty()) {
        out << "\nMemory: " << num(m_memory.value(u"rows"_s).toInteger())
            << " tag rows (names only, SyntheticTagPager) in a fresh process: total RSS "
            << mib(m_memory.value(u"rss_after_kib"_s).toInteger()) << " MiB ("
            << mib(m_memory.value(u"rss_before_kib"_s).toInteger()) << " MiB before the rows), "
            << c.toString(m_memory.value(u"bytes_per_row"_s).toDouble(), 'f', 1)
            << " bytes/row, peak " << mib(m_memory.value(u"peak_rss_kib"_s).toInteger())
            << " MiB, loaded in " << num(m_memory.value(u"load_ms"_s).toInteger()) << " ms\n";
    }
    out << "\nTargets (issue 7, issue 3):\n";
    for (const QJsonValue &value : targets()) {
        const QJsonObject t = value.toObject();
        out << "  [" << t.value(u"state"_s).toString() << "] " << t.value(u"target"_s).toString()
            << "\n      " << t.value(u"detail"_s).toString() << '\n';
    }
    out.flush();
    std::fputs(text.toUtf8().constData(), stdout);
    std::fflush(stdout);
}

} // namespace Berth::Test
