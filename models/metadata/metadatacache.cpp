#include "models/metadata/metadatacache.h"

#include "models/metadata/metadatacodec.h"
#include "models/modelslogging.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>

#include <algorithm>
#include <atomic>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// A second Berth process may hold the write lock while it commits a batch (milliseconds, or a
// few hundred ms on a slow disk under load). Waiting up to 5 s absorbs that without ever
// surfacing "database is locked"; a lock held longer means something is wrong and the batch is
// retried later rather than blocking the GUI thread any longer.
constexpr int BusyTimeoutMs = 5000;
// A busy batch is retried at the next timer tick while the queue stays below this; beyond it
// the queue is dropped (the rows can be fetched again) so memory stays bounded.
constexpr int MaxRetainedWrites = 4 * MetadataCache::MaxPendingWrites;

// SQLite primary result codes (the driver reports sqlite3 codes as nativeErrorCode()).
constexpr int SqliteBusy = 5;
constexpr int SqliteLocked = 6;
constexpr int SqliteCorrupt = 11;
constexpr int SqliteNotADb = 26;

int primaryCode(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    return ok ? (code & 0xff) : -1;
}

bool isCorruption(const QSqlError &error)
{
    const int code = primaryCode(error);
    return code == SqliteCorrupt || code == SqliteNotADb;
}

bool isBusy(const QSqlError &error)
{
    const int code = primaryCode(error);
    return code == SqliteBusy || code == SqliteLocked;
}

QString describe(const QSqlError &error)
{
    return error.text().isEmpty() ? u"unknown error"_s : error.text();
}

// Schema migrations: entry i brings the schema from version i to i + 1.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {
            {
                    // Digests are content addresses, so one row serves every registry that holds
                    // it.
                    u"CREATE TABLE images("
                    "digest TEXT PRIMARY KEY NOT NULL,"
                    "payload BLOB NOT NULL,"
                    "size_bytes INTEGER NOT NULL,"
                    "last_used INTEGER NOT NULL)"_s,
                    // LRU order for eviction; size_bytes makes the eviction scan index-only.
                    u"CREATE INDEX images_lru ON images(last_used, size_bytes)"_s,
                    // WITHOUT ROWID: the table is stored as its primary key b-tree, so it *is* the
                    // index on (registry, repository[, tag]); a separate index would double every
                    // write.
                    u"CREATE TABLE tags("
                    "registry TEXT NOT NULL,"
                    "repository TEXT NOT NULL,"
                    "tag TEXT NOT NULL,"
                    "digest TEXT NOT NULL,"
                    "verified_at INTEGER,"
                    "PRIMARY KEY(registry, repository, tag)) WITHOUT ROWID"_s,
                    // The running payload total, kept exact by triggers in the same transactions
                    // (also across processes), so the cap check never scans the images table.
                    u"CREATE TABLE stats(id INTEGER PRIMARY KEY CHECK (id = 1),"
                    "total_bytes INTEGER NOT NULL)"_s,
                    u"INSERT INTO stats(id, total_bytes) VALUES(1, 0)"_s,
                    u"CREATE TRIGGER images_added AFTER INSERT ON images BEGIN "
                    "UPDATE stats SET total_bytes = total_bytes + NEW.size_bytes WHERE id = 1; END"_s,
                    u"CREATE TRIGGER images_removed AFTER DELETE ON images BEGIN "
                    "UPDATE stats SET total_bytes = total_bytes - OLD.size_bytes WHERE id = 1; END"_s,
                    u"CREATE TRIGGER images_resized AFTER UPDATE OF size_bytes ON images BEGIN "
                    "UPDATE stats SET total_bytes = total_bytes - OLD.size_bytes + NEW.size_bytes "
                    "WHERE id = 1; END"_s,
            },
    };
    return steps;
}

QDateTime fromEpochMs(const QVariant &value)
{
    return value.isNull() ? QDateTime()
                          : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

QVariant toEpochMs(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant();
}

} // namespace

// Prepared statements for the hot reads (preparing costs more than the lookup itself). Each is
// finish()ed after use so no read snapshot stays open to block a COMMIT or a WAL checkpoint.
struct MetadataCache::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : image(db)
        , tag(db)
        , tags(db)
        , repositories(db)
        , total(db)
    {}

    bool prepare()
    {
        for (QSqlQuery *q : {&image, &tag, &tags, &repositories, &total})
            q->setForwardOnly(true);
        return image.prepare(u"SELECT payload FROM images WHERE digest = ?"_s)
               && tag.prepare(u"SELECT digest, verified_at FROM tags "
                              "WHERE registry = ? AND repository = ? AND tag = ?"_s)
               && tags.prepare(u"SELECT tag, digest, verified_at FROM tags "
                               "WHERE registry = ? AND repository = ?"_s)
               && repositories.prepare(u"SELECT DISTINCT repository FROM tags WHERE registry = ? "
                                       "ORDER BY repository"_s)
               && total.prepare(u"SELECT total_bytes FROM stats WHERE id = 1"_s);
    }

    QSqlQuery image;
    QSqlQuery tag;
    QSqlQuery tags;
    QSqlQuery repositories;
    QSqlQuery total;
};

MetadataCache::MetadataCache(const QString &databasePath, QObject *parent)
    : QObject(parent)
    , m_path(databasePath.isEmpty() ? defaultDatabasePath() : databasePath)
{
    // QSqlDatabase connections are global by name: each instance needs its own, also when two
    // caches in one process (tests, the CLI beside a window) open the same file.
    static std::atomic<quint64> instances{0};
    m_connectionName = u"berth.metadatacache.%1"_s.arg(instances.fetch_add(1) + 1);

    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(DefaultWriteDelayMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &MetadataCache::flush);
}

MetadataCache::~MetadataCache()
{
    flush();
    closeDatabase();
}

QString MetadataCache::defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + "/metadata.sqlite"_L1;
}

bool MetadataCache::open(QString *error)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_usable)
        return true;

    QString why;
    const auto fail = [&](const QString &message) {
        closeDatabase();
        qCWarning(lcCache).noquote() << "metadata cache disabled:" << message;
        if (error)
            *error = message;
        return false;
    };

    if (!QSqlDatabase::isDriverAvailable(u"QSQLITE"_s))
        return fail(u"the Qt SQLite driver (QSQLITE) is not available"_s);
    const QString dir = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(dir))
        return fail(u"cannot create the directory %1"_s.arg(dir));

    OpenProblem problem = OpenProblem::Other;
    const bool markedDamaged = QFile::exists(damageMarkerPath());
    if (markedDamaged)
        why = u"marked damaged by an earlier run"_s;
    else if (openDatabaseWaiting(&why, &problem))
        return true;
    if (problem != OpenProblem::Corrupt && !markedDamaged)
        return fail(u"%1: %2"_s.arg(m_path, why));

    qCWarning(lcCache).noquote()
            << u"%1 is not a usable database (%2); moving it aside and starting afresh"_s.arg(
                       m_path, why);
    closeDatabase();
    if (!moveAside())
        return fail(u"cannot move the damaged database %1 aside"_s.arg(m_path));
    QFile::remove(damageMarkerPath());
    if (openDatabaseWaiting(&why, &problem))
        return true;
    return fail(u"%1: %2"_s.arg(m_path, why));
}

MetadataCache::OpenProblem MetadataCache::classify(const QSqlError &error)
{
    if (isCorruption(error))
        return OpenProblem::Corrupt;
    return isBusy(error) ? OpenProblem::Busy : OpenProblem::Other;
}

bool MetadataCache::openDatabaseWaiting(QString *error, OpenProblem *problem)
{
    // busy_timeout does not cover every lock taken while opening: two connections that both
    // read the schema and then want the exclusive lock (switching a new file to WAL, creating
    // the schema) are a deadlock SQLite breaks by failing one of them at once with "database is
    // locked". Opening again from scratch then succeeds; two processes starting together on a
    // fresh cache (two exports in a script) meet this.
    const QDeadlineTimer deadline(BusyTimeoutMs);
    for (int pauseMs = 5;; pauseMs = std::min(pauseMs * 2, 200)) {
        if (openDatabase(error, problem))
            return true;
        if (*problem != OpenProblem::Busy || deadline.hasExpired())
            return false;
        closeDatabase();
        QThread::msleep(pauseMs);
    }
}

bool MetadataCache::openDatabase(QString *error, OpenProblem *problem)
{
    *problem = OpenProblem::Other;
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    db.setDatabaseName(m_path);
    if (!db.open()) {
        *error = describe(db.lastError());
        *problem = classify(db.lastError());
        return false;
    }

    QSqlQuery q(db);
    const auto run = [&](const QString &sql) {
        if (q.exec(sql))
            return true;
        *error = describe(q.lastError());
        *problem = classify(q.lastError());
        return false;
    };
    // busy_timeout first: every later statement may meet another process's lock.
    // NORMAL is durable enough in WAL mode (a power cut may lose the last commits, never
    // consistency) and saves an fsync per batch.
    if (!run(u"PRAGMA busy_timeout = %1"_s.arg(BusyTimeoutMs))
        || !run(u"PRAGMA journal_mode = WAL"_s))
        return false;
    if (q.next() && q.value(0).toString().compare("wal"_L1, Qt::CaseInsensitive) != 0)
        qCWarning(lcCache) << "WAL journal not available; got" << q.value(0).toString();
    q.finish();
    if (!run(u"PRAGMA synchronous = NORMAL"_s) || !run(u"PRAGMA foreign_keys = ON"_s))
        return false;
    q.finish();

    if (!migrate(error, problem))
        return false;

    m_statements = std::make_unique<Statements>(db);
    if (!m_statements->prepare()) {
        *error = u"cannot prepare statements"_s;
        return false;
    }
    m_usable = true;
    return true;
}

bool MetadataCache::migrate(QString *error, OpenProblem *problem)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    const auto run = [&](const QString &sql) {
        if (q.exec(sql))
            return true;
        *error = describe(q.lastError());
        *problem = classify(q.lastError());
        return false;
    };
    const auto rollback = [&] {
        QSqlQuery(QSqlDatabase::database(m_connectionName, false)).exec(u"ROLLBACK"_s);
        return false;
    };

    // IMMEDIATE: two processes starting on a fresh file must not both create the schema.
    if (!run(u"BEGIN IMMEDIATE"_s))
        return false;
    if (!run(u"CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)"_s)
        || !run(u"SELECT version FROM schema_version"_s))
        return rollback();
    const bool hasRow = q.next();
    const int version = hasRow ? q.value(0).toInt() : 0;
    q.finish();

    if (version > SchemaVersion) {
        *error = u"written by a newer Berth (schema %1, this one knows %2); left untouched"_s
                         .arg(version)
                         .arg(SchemaVersion);
        return rollback();
    }
    const QList<QStringList> &steps = migrations();
    for (int from = version; from < SchemaVersion; ++from) {
        for (const QString &sql : steps.at(from)) {
            if (!run(sql))
                return rollback();
        }
    }
    if (version != SchemaVersion) {
        q.prepare(hasRow ? u"UPDATE schema_version SET version = ?"_s
                         : u"INSERT INTO schema_version(version) VALUES(?)"_s);
        q.addBindValue(SchemaVersion);
        if (!q.exec()) {
            *error = describe(q.lastError());
            return rollback();
        }
        qCInfo(lcCache) << "metadata cache schema" << version << "->" << SchemaVersion;
    }
    if (!run(u"COMMIT"_s))
        return rollback();
    return true;
}

void MetadataCache::closeDatabase()
{
    m_usable = false;
    m_statements.reset();
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool MetadataCache::moveAside()
{
    const QString aside = m_path + ".corrupt-"_L1
                          + QDateTime::currentDateTimeUtc().toString(u"yyyyMMddThhmmss"_s);
    bool moved = QFile::rename(m_path, aside);
    if (!moved)
        moved = QFile::remove(m_path);
    // A stale WAL or shared-memory file must not be replayed into the new database.
    for (const auto suffix : {"-wal"_L1, "-shm"_L1}) {
        if (QFile::exists(m_path + suffix) && !QFile::rename(m_path + suffix, aside + suffix))
            QFile::remove(m_path + suffix);
    }
    if (moved)
        qCWarning(lcCache).noquote() << "damaged metadata cache kept as" << aside;
    return moved && !QFile::exists(m_path);
}

qint64 MetadataCache::now() const
{
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

void MetadataCache::setClockForTesting(std::function<qint64()> nowMs)
{
    m_clock = std::move(nowMs);
}

void MetadataCache::setBeforeCommitHookForTesting(std::function<void()> hook)
{
    m_beforeCommitHook = std::move(hook);
}

QString MetadataCache::damageMarkerPath() const
{
    return m_path + ".damaged"_L1;
}

void MetadataCache::reportFailure(const char *what, const QSqlQuery &query)
{
    const QSqlError error = query.lastError();
    qCWarning(lcCache).noquote() << "metadata cache:" << what << "failed:" << describe(error);
    if (isCorruption(error)) {
        // Damage found in pages the setup did not touch: leave a marker so the next open()
        // moves the file aside instead of meeting the same damage again.
        QFile marker(damageMarkerPath());
        if (!marker.open(QIODevice::WriteOnly))
            qCWarning(lcCache) << "cannot mark the damaged cache at" << marker.fileName();
        disable(u"the database file is damaged; it is rebuilt on the next start"_s);
    }
}

void MetadataCache::disable(const QString &why)
{
    if (!m_usable)
        return;
    qCWarning(lcCache).noquote() << "metadata cache disabled:" << why;
    // Only mark it: a caller up the stack may still hold queries (and statement references) of
    // this connection. The destructor closes the connection.
    m_usable = false;
    m_flushTimer.stop();
    clearQueue();
}

void MetadataCache::clearQueue()
{
    m_pendingImages.clear();
    m_pendingTouches.clear();
    m_pendingTags.clear();
    m_forgottenRepos.clear();
    m_pendingTagCount = 0;
    m_evictionDue = false;
}

std::optional<ImageMetadata> MetadataCache::metadata(const QString &digest)
{
    if (!m_usable || digest.isEmpty())
        return std::nullopt;
    if (const auto it = m_pendingImages.find(digest); it != m_pendingImages.end()) {
        it->lastUsed = now();
        return it->metadata;
    }
    QSqlQuery &q = m_statements->image;
    q.bindValue(0, digest);
    if (!q.exec()) {
        reportFailure("reading metadata", q);
        return std::nullopt;
    }
    if (!q.next()) {
        q.finish();
        return std::nullopt;
    }
    const QByteArray payload = q.value(0).toByteArray();
    q.finish();
    std::optional<ImageMetadata> result = MetadataCodec::decode(payload);
    if (!result || result->digest != digest) {
        // An older format or a damaged row: a miss; the next store overwrites it.
        qCDebug(lcCache) << "undecodable cache entry for" << digest;
        return std::nullopt;
    }
    m_pendingTouches.insert(digest, now());
    scheduleFlush();
    return result;
}

void MetadataCache::storeMetadata(const ImageMetadata &metadata)
{
    if (!m_usable || !metadata.isValid())
        return;
    m_pendingTouches.remove(metadata.digest);
    m_pendingImages.insert(metadata.digest, PendingImage{metadata, now()});
    scheduleFlush();
}

QHash<QString, TagRecord> MetadataCache::tagsOf(const QString &registry, const QString &repository)
{
    QHash<QString, TagRecord> result;
    if (!m_usable)
        return result;
    const RepoKey key{registry, repository};
    if (!m_forgottenRepos.contains(key)) {
        QSqlQuery &q = m_statements->tags;
        q.bindValue(0, registry);
        q.bindValue(1, repository);
        if (!q.exec()) {
            reportFailure("reading tags", q);
            return result;
        }
        while (q.next())
            result.insert(q.value(0).toString(),
                          TagRecord{q.value(1).toString(), fromEpochMs(q.value(2))});
        q.finish();
    }
    const auto pending = m_pendingTags.constFind(key);
    if (pending != m_pendingTags.cend()) {
        for (auto it = pending->cbegin(); it != pending->cend(); ++it) {
            if (it.value())
                result.insert(it.key(), *it.value());
            else
                result.remove(it.key());
        }
    }
    return result;
}

std::optional<TagRecord> MetadataCache::tag(const QString &registry, const QString &repository,
                                            const QString &tag)
{
    if (!m_usable)
        return std::nullopt;
    const RepoKey key{registry, repository};
    if (const auto pending = m_pendingTags.constFind(key); pending != m_pendingTags.cend()) {
        if (const auto it = pending->constFind(tag); it != pending->cend())
            return *it;
    }
    if (m_forgottenRepos.contains(key))
        return std::nullopt;
    QSqlQuery &q = m_statements->tag;
    q.bindValue(0, registry);
    q.bindValue(1, repository);
    q.bindValue(2, tag);
    if (!q.exec()) {
        reportFailure("reading a tag", q);
        return std::nullopt;
    }
    std::optional<TagRecord> result;
    if (q.next())
        result = TagRecord{q.value(0).toString(), fromEpochMs(q.value(1))};
    q.finish();
    return result;
}

void MetadataCache::storeTag(const QString &registry, const QString &repository, const QString &tag,
                             const QString &digest, const QDateTime &verifiedAt)
{
    if (!m_usable || registry.isEmpty() || repository.isEmpty() || tag.isEmpty()
        || digest.isEmpty())
        return;
    auto &repo = m_pendingTags[RepoKey{registry, repository}];
    const qsizetype before = repo.size();
    repo.insert(tag, TagRecord{digest, verifiedAt.toUTC()});
    m_pendingTagCount += int(repo.size() - before);
    scheduleFlush();
}

void MetadataCache::forgetTag(const QString &registry, const QString &repository,
                              const QString &tag)
{
    if (!m_usable)
        return;
    auto &repo = m_pendingTags[RepoKey{registry, repository}];
    const qsizetype before = repo.size();
    repo.insert(tag, std::nullopt);
    m_pendingTagCount += int(repo.size() - before);
    scheduleFlush();
}

void MetadataCache::forgetRepository(const QString &registry, const QString &repository)
{
    if (!m_usable)
        return;
    const RepoKey key{registry, repository};
    m_pendingTagCount -= int(m_pendingTags.value(key).size());
    m_pendingTags.remove(key);
    m_forgottenRepos.insert(key);
    scheduleFlush();
}

QDateTime MetadataCache::lastVerified(const QString &registry, const QString &repository)
{
    QDateTime newest;
    const QHash<QString, TagRecord> records = tagsOf(registry, repository);
    for (const TagRecord &record : records) {
        if (record.verifiedAt.isValid() && (!newest.isValid() || record.verifiedAt > newest))
            newest = record.verifiedAt;
    }
    return newest;
}

QStringList MetadataCache::knownRepositories(const QString &registry)
{
    // Rare (opening a registry offline) and exact only against committed rows: commit first.
    flush();
    QStringList result;
    if (!m_usable)
        return result;
    QSqlQuery &q = m_statements->repositories;
    q.bindValue(0, registry);
    if (!q.exec()) {
        reportFailure("listing repositories", q);
        return result;
    }
    while (q.next())
        result.append(q.value(0).toString());
    q.finish();
    return result;
}

void MetadataCache::setMaxBytes(qint64 bytes)
{
    m_maxBytes = qMax<qint64>(0, bytes);
    m_evictionDue = true;
    if (m_usable && !m_flushTimer.isActive())
        m_flushTimer.start();
}

qint64 MetadataCache::totalBytes()
{
    if (!m_usable)
        return 0;
    QSqlQuery &q = m_statements->total;
    if (!q.exec()) {
        reportFailure("reading the cache size", q);
        return 0;
    }
    const qint64 total = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return total;
}

void MetadataCache::setWriteDelay(int milliseconds)
{
    m_flushTimer.setInterval(qMax(0, milliseconds));
}

int MetadataCache::pendingWrites() const
{
    return int(m_pendingImages.size() + m_pendingTouches.size() + m_forgottenRepos.size())
           + m_pendingTagCount;
}

void MetadataCache::scheduleFlush()
{
    if (pendingWrites() >= MaxPendingWrites)
        flush();
    else if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void MetadataCache::flush()
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_flushTimer.stop();
    if (!m_usable || (pendingWrites() == 0 && !m_evictionDue))
        return;

    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery control(db);
    // IMMEDIATE takes the write lock now, where busy_timeout applies; a deferred transaction
    // upgrading later could fail with SQLITE_BUSY at once (deadlock avoidance).
    if (!control.exec(u"BEGIN IMMEDIATE"_s)) {
        ++m_failedCommits;
        reportFailure("starting a write", control);
        if (m_usable && isBusy(control.lastError()) && pendingWrites() < MaxRetainedWrites) {
            m_flushTimer.start(); // keep the batch; try again at the next tick
            return;
        }
        // Read-only file, full disk...: reads may still work, so only this batch is dropped.
        qCWarning(lcCache) << "metadata cache: dropped" << pendingWrites() << "queued writes";
        clearQueue();
        return;
    }
    if (commitBatch() && evictOverCap()) {
        if (m_beforeCommitHook)
            m_beforeCommitHook();
        if (control.exec(u"COMMIT"_s)) {
            ++m_commits;
            clearQueue();
            return;
        }
        reportFailure("committing", control);
    }
    ++m_failedCommits;
    QSqlQuery(db).exec(u"ROLLBACK"_s);
    // The rows can be fetched again; keeping a batch that failed for a reason other than a lock
    // would only fail again.
    qCWarning(lcCache) << "metadata cache: dropped" << pendingWrites() << "queued writes";
    clearQueue();
}

CacheStatistics MetadataCache::statistics()
{
    Q_ASSERT(QThread::currentThread() == thread());
    CacheStatistics statistics;
    statistics.path = m_path;
    statistics.maxBytes = m_maxBytes;
    // Exact against committed rows only: what this instance queued is committed first.
    flush();
    if (m_usable) {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        QSqlQuery q(db);
        q.setForwardOnly(true);
        // One read transaction: the counts come from one snapshot even while another process
        // commits between the statements.
        const bool snapshot = q.exec(u"BEGIN"_s);
        const auto scalar = [&q](const QString &sql, qint64 *value) {
            if (!q.exec(sql) || !q.next())
                return false;
            *value = q.value(0).toLongLong();
            q.finish();
            return true;
        };
        // The primary key (registry, repository, tag) orders the grouping: no temporary b-tree.
        const bool ok = scalar(u"SELECT COUNT(*) FROM images"_s, &statistics.images)
                        && scalar(u"SELECT total_bytes FROM stats WHERE id = 1"_s,
                                  &statistics.payloadBytes)
                        && q.exec(u"SELECT registry, COUNT(DISTINCT repository), COUNT(*) "
                                  "FROM tags GROUP BY registry"_s);
        if (ok) {
            while (q.next()) {
                const RegistryUsage usage{q.value(1).toLongLong(), q.value(2).toLongLong()};
                statistics.registries.insert(q.value(0).toString(), usage);
                statistics.tags += usage.tags;
            }
            q.finish();
        }
        if (!ok) {
            reportFailure("reading the cache statistics", q);
            statistics.images = statistics.tags = statistics.payloadBytes = 0;
            statistics.registries.clear();
        }
        if (snapshot)
            QSqlQuery(db).exec(u"COMMIT"_s);
    }
    statistics.fileBytes = fileBytes(m_path);
    return statistics;
}

qint64 MetadataCache::fileBytes(const QString &databasePath)
{
    // The -shm index is a memory map rebuilt from the log, not data: left out.
    return QFileInfo(databasePath).size() + QFileInfo(databasePath + "-wal"_L1).size();
}

bool MetadataCache::writeTransaction(const char *what, const std::function<bool()> &body)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery control(db);
    if (!control.exec(u"BEGIN IMMEDIATE"_s)) {
        ++m_failedCommits;
        reportFailure(what, control);
        return false;
    }
    if (body()) {
        if (control.exec(u"COMMIT"_s)) {
            ++m_commits;
            return true;
        }
        reportFailure("committing", control);
    }
    ++m_failedCommits;
    QSqlQuery(db).exec(u"ROLLBACK"_s);
    return false;
}

bool MetadataCache::clearAll()
{
    Q_ASSERT(QThread::currentThread() == thread());
    // Everything queued would be deleted with the rest: not written at all.
    m_flushTimer.stop();
    clearQueue();
    if (!m_usable)
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    const bool cleared = writeTransaction("clearing the cache", [this, &db] {
        QSqlQuery q(db);
        for (const QString &sql : {u"DELETE FROM tags"_s, u"DELETE FROM images"_s}) {
            if (!q.exec(sql)) {
                reportFailure("clearing the cache", q);
                return false;
            }
        }
        return true;
    });
    if (cleared)
        compact();
    return cleared;
}

bool MetadataCache::clearRegistry(const QString &registry)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_flushTimer.stop();
    if (!m_usable)
        return false;
    const bool cleared = writeTransaction("clearing a registry", [this, &registry] {
        return commitBatch() && deleteRegistryRows(registry) && evictOverCap();
    });
    if (cleared) {
        clearQueue();
    } else if (m_usable && pendingWrites() > 0) {
        m_flushTimer.start(); // the queue was rolled back with the rest: written later
    }
    return cleared;
}

bool MetadataCache::deleteRegistryRows(const QString &registry)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    const auto digests = [&](const QString &sql, QSet<QString> *into) {
        if (!q.prepare(sql)) {
            reportFailure("preparing a registry clear", q);
            return false;
        }
        q.bindValue(0, registry);
        if (!q.exec()) {
            reportFailure("reading a registry's digests", q);
            return false;
        }
        while (q.next())
            into->insert(q.value(0).toString());
        q.finish();
        return true;
    };
    // Under the write lock, so no other process adds a tag between the reads and the deletes.
    QSet<QString> own;
    QSet<QString> others;
    if (!digests(u"SELECT digest FROM tags WHERE registry = ?"_s, &own)
        || !digests(u"SELECT DISTINCT digest FROM tags WHERE registry <> ?"_s, &others))
        return false;
    own.subtract(others);

    // An index's entry lists its platforms (and attestations); those asked for by digest have
    // rows of their own that no tag names. They go with the index unless a tag elsewhere names
    // them.
    QSet<QString> doomed = own;
    if (!q.prepare(u"SELECT payload FROM images WHERE digest = ?"_s)) {
        reportFailure("preparing a registry clear", q);
        return false;
    }
    for (const QString &digest : std::as_const(own)) {
        q.bindValue(0, digest);
        if (!q.exec()) {
            reportFailure("reading an image of a registry", q);
            return false;
        }
        const QByteArray payload = q.next() ? q.value(0).toByteArray() : QByteArray();
        q.finish();
        if (payload.isEmpty())
            continue;
        const std::optional<ImageMetadata> metadata = MetadataCodec::decode(payload);
        if (!metadata)
            continue;
        for (const QList<PlatformImage> *children :
             {&metadata->platforms, &metadata->attestations}) {
            for (const PlatformImage &child : *children) {
                if (!child.digest.isEmpty() && !others.contains(child.digest))
                    doomed.insert(child.digest);
            }
        }
    }

    if (!q.prepare(u"DELETE FROM tags WHERE registry = ?"_s)) {
        reportFailure("preparing a registry clear", q);
        return false;
    }
    q.bindValue(0, registry);
    if (!q.exec()) {
        reportFailure("deleting a registry's tags", q);
        return false;
    }
    if (!q.prepare(u"DELETE FROM images WHERE digest = ?"_s)) {
        reportFailure("preparing a registry clear", q);
        return false;
    }
    for (const QString &digest : std::as_const(doomed)) {
        q.bindValue(0, digest);
        if (!q.exec()) {
            reportFailure("deleting a registry's images", q);
            return false;
        }
    }
    qCDebug(lcCache) << "cleared" << registry << ":" << doomed.size() << "images";
    return true;
}

void MetadataCache::compact()
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    // An emptied file keeps its pages (and the log its frames) until compacted; the person
    // who cleared the cache expects the disk space back. Cheap: little is left to copy.
    if (!q.exec(u"VACUUM"_s))
        qCWarning(lcCache).noquote()
                << "metadata cache: compacting failed:" << describe(q.lastError());
    if (!q.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s))
        qCWarning(lcCache).noquote()
                << "metadata cache: truncating the log failed:" << describe(q.lastError());
    q.finish();
}

bool MetadataCache::commitBatch()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);

    if (!m_forgottenRepos.isEmpty()) {
        QSqlQuery q(db);
        if (!q.prepare(u"DELETE FROM tags WHERE registry = ? AND repository = ?"_s)) {
            reportFailure("preparing a delete", q);
            return false;
        }
        for (const RepoKey &key : std::as_const(m_forgottenRepos)) {
            q.bindValue(0, key.first);
            q.bindValue(1, key.second);
            if (!q.exec()) {
                reportFailure("forgetting a repository", q);
                return false;
            }
        }
    }

    if (m_pendingTagCount > 0) {
        QSqlQuery put(db);
        QSqlQuery drop(db);
        if (!put.prepare(u"INSERT OR REPLACE INTO tags(registry, repository, tag, digest, "
                         "verified_at) VALUES(?, ?, ?, ?, ?)"_s)
            || !drop.prepare(
                    u"DELETE FROM tags WHERE registry = ? AND repository = ? AND tag = ?"_s)) {
            reportFailure("preparing tag writes", put.lastError().isValid() ? put : drop);
            return false;
        }
        for (auto repo = m_pendingTags.cbegin(); repo != m_pendingTags.cend(); ++repo) {
            for (auto it = repo->cbegin(); it != repo->cend(); ++it) {
                QSqlQuery &q = it.value() ? put : drop;
                q.bindValue(0, repo.key().first);
                q.bindValue(1, repo.key().second);
                q.bindValue(2, it.key());
                if (it.value()) {
                    q.bindValue(3, it.value()->digest);
                    q.bindValue(4, toEpochMs(it.value()->verifiedAt));
                }
                if (!q.exec()) {
                    reportFailure("writing a tag", q);
                    return false;
                }
            }
        }
    }

    if (!m_pendingImages.isEmpty()) {
        QSqlQuery q(db);
        // An upsert (not REPLACE) so the stats triggers see an UPDATE, not a silent delete.
        if (!q.prepare(u"INSERT INTO images(digest, payload, size_bytes, last_used) "
                       "VALUES(?, ?, ?, ?) ON CONFLICT(digest) DO UPDATE SET "
                       "payload = excluded.payload, size_bytes = excluded.size_bytes, "
                       "last_used = max(last_used, excluded.last_used)"_s)) {
            reportFailure("preparing a metadata write", q);
            return false;
        }
        for (auto it = m_pendingImages.cbegin(); it != m_pendingImages.cend(); ++it) {
            const QByteArray payload = MetadataCodec::encode(it->metadata);
            q.bindValue(0, it.key());
            q.bindValue(1, payload);
            q.bindValue(2, qint64(payload.size()));
            q.bindValue(3, it->lastUsed);
            if (!q.exec()) {
                reportFailure("writing metadata", q);
                return false;
            }
        }
    }

    if (!m_pendingTouches.isEmpty()) {
        QSqlQuery q(db);
        if (!q.prepare(u"UPDATE images SET last_used = max(last_used, ?) WHERE digest = ?"_s)) {
            reportFailure("preparing a touch", q);
            return false;
        }
        for (auto it = m_pendingTouches.cbegin(); it != m_pendingTouches.cend(); ++it) {
            q.bindValue(0, it.value());
            q.bindValue(1, it.key());
            if (!q.exec()) {
                reportFailure("recording a use", q);
                return false;
            }
        }
    }
    return true;
}

bool MetadataCache::evictOverCap()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT total_bytes FROM stats WHERE id = 1"_s) || !q.next()) {
        reportFailure("reading the cache size", q);
        return false;
    }
    const qint64 excess = q.value(0).toLongLong() - m_maxBytes;
    q.finish();
    if (excess <= 0)
        return true;

    // Least recently used first, until enough is freed. Index-only scan of images_lru.
    if (!q.exec(u"SELECT rowid, size_bytes FROM images ORDER BY last_used"_s)) {
        reportFailure("choosing images to evict", q);
        return false;
    }
    QList<qint64> victims;
    qint64 freed = 0;
    while (freed < excess && q.next()) {
        victims.append(q.value(0).toLongLong());
        freed += q.value(1).toLongLong();
    }
    q.finish();

    QSqlQuery remove(db);
    if (!remove.prepare(u"DELETE FROM images WHERE rowid = ?"_s)) {
        reportFailure("preparing eviction", remove);
        return false;
    }
    for (const qint64 rowid : std::as_const(victims)) {
        remove.bindValue(0, rowid);
        if (!remove.exec()) {
            reportFailure("evicting", remove);
            return false;
        }
    }
    qCDebug(lcCache) << "evicted" << victims.size() << "images," << freed << "bytes";
    return true;
}

} // namespace Berth
