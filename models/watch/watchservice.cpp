#include "models/watch/watchservice.h"

#include "models/modelslogging.h"
#include "models/watch/repositorycheck.h"
#include "net/backend/registrybackend.h"

#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// A failing repository is asked again at most this rarely: a registry down for the night is
// still noticed in the morning.
constexpr qint64 MaxPostponeMs = 6 * 60 * 60 * 1000;
// Names listed in a notification before "and N more": a notification is read at a glance.
constexpr int MaxNamesInBody = 6;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

WatchService::WatchService(BackendProvider provider, const QString &storePath, QObject *parent)
    : QObject(parent)
    , m_provider(std::move(provider))
    , m_store(storePath)
    , m_timer(new QTimer(this))
{
    qRegisterMetaType<TagChange>();
    qRegisterMetaType<QList<TagChange>>();
    QString error;
    if (!m_store.load(&error))
        qCWarning(lcModels, "watch list not read, starting empty: %s", qPrintable(error));
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &WatchService::pump);
}

WatchService::~WatchService()
{
    for (const Runtime &runtime : std::as_const(m_runtime)) {
        if (runtime.check)
            runtime.check->cancel();
    }
}

void WatchService::start()
{
    m_started = true;
    for (const QString &key : m_store.keys())
        scheduleFirst(key);
    armTimer();
}

void WatchService::setIntervalMinutes(int minutes)
{
    setIntervalMs(qint64(std::max(1, minutes)) * 60 * 1000);
}

void WatchService::setIntervalMs(qint64 ms)
{
    m_intervalMs = std::max<qint64>(1, ms);
    // A shorter interval applies now, not after the old, longer wait.
    const qint64 latest = nowMs() + m_intervalMs;
    for (Runtime &runtime : m_runtime) {
        if (runtime.dueMs > latest && runtime.failures == 0)
            runtime.dueMs = nowMs() + jittered(m_intervalMs);
    }
    armTimer();
}

void WatchService::setFirstCheckDelay(int delayMs, int spreadMs)
{
    m_firstDelayMs = std::max(0, delayMs);
    m_firstSpreadMs = std::max(0, spreadMs);
}

bool WatchService::isWatched(const QString &connectionId, const QString &repository) const
{
    return m_store.contains(WatchStore::keyOf(connectionId, repository));
}

void WatchService::setWatched(const QString &connectionId, const QString &repository, bool watched)
{
    const QString key = WatchStore::keyOf(connectionId, repository);
    if (watched == m_store.contains(key) || connectionId.isEmpty() || repository.isEmpty())
        return;
    if (watched) {
        m_store.add(connectionId, repository);
        if (m_started)
            scheduleFirst(key);
    } else {
        const Runtime runtime = m_runtime.take(key);
        if (runtime.check)
            runtime.check->cancel();
        m_store.remove(key);
    }
    save();
    armTimer();
    Q_EMIT watchChanged(connectionId, repository);
}

QStringList WatchService::watchedRepositories(const QString &connectionId) const
{
    QStringList repositories;
    for (const QString &key : m_store.keys()) {
        const WatchedRepository *entry = m_store.find(key);
        if (entry->connectionId == connectionId)
            repositories.append(entry->repository);
    }
    return repositories;
}

QList<TagChange> WatchService::unseen(const QString &connectionId, const QString &repository) const
{
    const WatchedRepository *entry = m_store.find(WatchStore::keyOf(connectionId, repository));
    return entry ? entry->unseen : QList<TagChange>();
}

void WatchService::markSeen(const QString &connectionId, const QString &repository)
{
    WatchedRepository *entry = m_store.find(WatchStore::keyOf(connectionId, repository));
    if (!entry || entry->unseen.isEmpty())
        return;
    entry->unseen.clear();
    save();
    Q_EMIT watchChanged(connectionId, repository);
}

WatchBaseline WatchService::baseline(const QString &connectionId, const QString &repository) const
{
    const WatchedRepository *entry = m_store.find(WatchStore::keyOf(connectionId, repository));
    return entry ? entry->baseline : WatchBaseline();
}

QString WatchService::lastError(const QString &connectionId, const QString &repository) const
{
    return m_runtime.value(WatchStore::keyOf(connectionId, repository)).error;
}

QDateTime WatchService::lastChecked(const QString &connectionId, const QString &repository) const
{
    const WatchedRepository *entry = m_store.find(WatchStore::keyOf(connectionId, repository));
    return entry ? entry->lastChecked : QDateTime();
}

QDateTime WatchService::nextCheck(const QString &connectionId, const QString &repository) const
{
    const qint64 due = m_runtime.value(WatchStore::keyOf(connectionId, repository)).dueMs;
    return due < 0 ? QDateTime() : QDateTime::fromMSecsSinceEpoch(due, Qt::UTC);
}

bool WatchService::isChecking(const QString &connectionId, const QString &repository) const
{
    const auto it = m_runtime.constFind(WatchStore::keyOf(connectionId, repository));
    return it != m_runtime.cend() && (it->check || it->opening);
}

void WatchService::checkNow(const QString &connectionId, const QString &repository)
{
    const QString key = WatchStore::keyOf(connectionId, repository);
    if (!m_store.contains(key))
        return;
    m_runtime[key].dueMs = nowMs();
    pump();
}

QString WatchService::summaryText(const QString &repository, const QList<TagChange> &changes)
{
    // No translation is loaded for English, so singular and plural are spelled out here. A
    // moved tag is not a new one: "1 new tag and 2 moved", not "3 new tags".
    const int moved = int(std::count_if(changes.cbegin(), changes.cend(),
                                        [](const TagChange &change) { return change.moved; }));
    const int added = int(changes.size()) - moved;
    if (added == 0) {
        return moved == 1 ? tr("1 tag moved in %1").arg(repository)
                          : tr("%1 tags moved in %2").arg(moved).arg(repository);
    }
    const QString news = added == 1 ? tr("1 new tag") : tr("%1 new tags").arg(added);
    if (moved == 0)
        return tr("%1 in %2").arg(news, repository);
    return tr("%1 and %2 moved in %3").arg(news).arg(moved).arg(repository);
}

QString WatchService::bodyText(const QList<TagChange> &changes)
{
    QStringList parts;
    for (const TagChange &change : changes) {
        if (parts.size() == MaxNamesInBody) {
            parts.append(tr("and %1 more").arg(changes.size() - MaxNamesInBody));
            break;
        }
        parts.append(change.moved ? tr("%1 moved").arg(change.tag) : change.tag);
    }
    return parts.join(u", "_s);
}

qint64 WatchService::jittered(qint64 ms) const
{
    // +-10 %: repositories watched together drift apart instead of firing together forever.
    const qint64 spread = ms / 10;
    if (spread <= 0)
        return ms;
    return ms - spread + qint64(QRandomGenerator::global()->bounded(quint64(2 * spread + 1)));
}

void WatchService::scheduleFirst(const QString &key)
{
    Runtime &runtime = m_runtime[key];
    if (runtime.check || runtime.opening)
        return;
    const int spread
            = m_firstSpreadMs > 0
                      ? int(QRandomGenerator::global()->bounded(quint32(m_firstSpreadMs) + 1))
                      : 0;
    runtime.dueMs = nowMs() + m_firstDelayMs + spread;
}

void WatchService::scheduleNext(const QString &key, const Error &error)
{
    if (!m_store.contains(key))
        return;
    Runtime &runtime = m_runtime[key];
    if (!error.isError()) {
        runtime.failures = 0;
        runtime.error.clear();
        runtime.dueMs = nowMs() + jittered(m_intervalMs);
        return;
    }
    runtime.failures = std::min(runtime.failures + 1, 16);
    runtime.error = error.message;
    const qint64 backoff = std::min<qint64>(
            MaxPostponeMs, m_intervalMs * (qint64(1) << std::min(runtime.failures - 1, 10)));
    runtime.dueMs = nowMs() + jittered(std::max(backoff, error.retryAfterMs));
}

void WatchService::armTimer()
{
    if (!m_started)
        return;
    qint64 earliest = std::numeric_limits<qint64>::max();
    for (const Runtime &runtime : std::as_const(m_runtime)) {
        if (runtime.dueMs >= 0 && !runtime.check && !runtime.opening)
            earliest = std::min(earliest, runtime.dueMs);
    }
    if (earliest == std::numeric_limits<qint64>::max() || running() >= MaxConcurrentChecks) {
        m_timer->stop();
        return;
    }
    // QTimer takes an int: a due time days away is re-armed when the timer fires.
    const qint64 wait = std::clamp<qint64>(earliest - nowMs(), 0, 24 * 60 * 60 * 1000);
    m_timer->start(int(wait));
}

int WatchService::running() const
{
    return int(std::count_if(m_runtime.cbegin(), m_runtime.cend(), [](const Runtime &runtime) {
        return runtime.check || runtime.opening;
    }));
}

void WatchService::pump()
{
    const qint64 now = nowMs();
    // Most overdue first.
    QList<std::pair<qint64, QString>> due;
    for (auto it = m_runtime.cbegin(); it != m_runtime.cend(); ++it) {
        if (it->dueMs >= 0 && it->dueMs <= now && !it->check && !it->opening)
            due.append({it->dueMs, it.key()});
    }
    std::sort(due.begin(), due.end());
    for (const auto &[dueMs, key] : std::as_const(due)) {
        if (running() >= MaxConcurrentChecks)
            break;
        startCheck(key);
    }
    armTimer();
}

void WatchService::startCheck(const QString &key)
{
    const WatchedRepository *entry = m_store.find(key);
    if (!entry)
        return;
    Runtime &runtime = m_runtime[key];
    runtime.dueMs = -1;
    runtime.opening = true;
    const QString connectionId = entry->connectionId;
    const QString repository = entry->repository;
    emitChanged(key);
    m_provider(connectionId, this,
               [this, key, connectionId, repository](Result<RegistryBackend *> backend) {
                   auto it = m_runtime.find(key);
                   if (it == m_runtime.end() || !it->opening)
                       return; // no longer watched
                   it->opening = false;
                   const WatchedRepository *current = m_store.find(key);
                   if (!current)
                       return;
                   if (!backend) {
                       onChecked(key, Result<WatchCheckResult>(backend.error()));
                       return;
                   }
                   auto *check = new RepositoryCheck(backend.value(), repository, current->baseline,
                                                     this);
                   it->check = check;
                   check->onFinished(this, [this, key](const Result<WatchCheckResult> &result) {
                       onChecked(key, result);
                   });
               });
}

void WatchService::onChecked(const QString &key, const Result<WatchCheckResult> &result)
{
    WatchedRepository *entry = m_store.find(key);
    if (!entry)
        return;
    m_runtime[key].check = nullptr;
    const QString connectionId = entry->connectionId;
    const QString repository = entry->repository;
    const int requests = result.ok() ? result->requests : 0;
    if (result.ok()) {
        entry->baseline = result->baseline;
        entry->lastChecked = QDateTime::currentDateTimeUtc();
        for (const TagChange &change : result->changes) {
            // A tag reported again before it was seen (moved twice) keeps one entry.
            entry->unseen.removeIf(
                    [&change](const TagChange &old) { return old.tag == change.tag; });
            entry->unseen.append(change);
        }
        save();
    } else if (result.error().code != ErrorCode::Cancelled) {
        qCInfo(lcModels, "watch: checking %s failed: %s", qPrintable(repository),
               qPrintable(result.error().toString()));
    }
    // A check cancelled under it (its session was closed: the connection was edited) is simply
    // due again after the interval.
    scheduleNext(key, result.error().code == ErrorCode::Cancelled ? Error() : result.error());
    emitChanged(key);
    if (result.ok() && !result->changes.isEmpty())
        Q_EMIT changesFound(connectionId, repository, result->changes);
    Q_EMIT checkFinished(connectionId, repository, result.error(), requests);
    pump();
}

void WatchService::save()
{
    m_store.save();
}

void WatchService::emitChanged(const QString &key)
{
    if (const WatchedRepository *entry = m_store.find(key))
        Q_EMIT watchChanged(entry->connectionId, entry->repository);
}

} // namespace Berth
