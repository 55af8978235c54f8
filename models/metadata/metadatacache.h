#pragma once

#include "net/formats/imagemetadata.h"

#include <QDateTime>
#include <QHash>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

class QSqlError;
class QSqlQuery;

namespace Berth {

//! What the cache last learned about a tag: the digest it pointed to and when that was last
//! confirmed by the registry (HEAD). An old verifiedAt is the caller's cue to revalidate, or to
//! mark the row as "last known state" when offline.
struct TagRecord
{
    QString digest;
    QDateTime verifiedAt; //!< UTC; invalid when never verified
    bool operator==(const TagRecord &) const = default;
};

//! One registry's share of the cache (tags are kept per registry; images are shared).
struct RegistryUsage
{
    qint64 repositories = 0; //!< with at least one cached tag
    qint64 tags = 0;
    bool operator==(const RegistryUsage &) const = default;
};

//! What the cache holds, as `berth cache info` and the window's cache dialog show it.
struct CacheStatistics
{
    QString path;            //!< the database file
    qint64 fileBytes = 0;    //!< the database and its write-ahead log on disk
    qint64 payloadBytes = 0; //!< encoded metadata: what counts against maxBytes
    qint64 maxBytes = 0;
    qint64 images = 0;
    qint64 tags = 0;
    QMap<QString, RegistryUsage> registries; //!< by registry host, sorted
};

//! The persistent metadata store: digest → ImageMetadata (manifests and configs are content
//! addressed, so an entry never goes stale) and (registry, repository, tag) → digest with the
//! time it was last verified. SQLite through Qt SQL, in WAL mode, under
//! QStandardPaths::CacheLocation.
//!
//! Threading: the cache lives on the thread that created it (the GUI thread); a QSqlDatabase
//! connection may only be used there. Every read is one indexed lookup (or one range scan for
//! tagsOf()/knownRepositories()), so it is cheap enough for the GUI thread. Writes are queued in
//! memory and committed in one transaction per batch, from a single-shot timer (writeDelay()),
//! when MaxPendingWrites accumulate, on flush() and on destruction. Reads see queued writes.
//!
//! Several Berth processes may share the file: WAL lets readers run beside a writer, writers
//! take the lock up front (BEGIN IMMEDIATE) and wait up to a busy timeout. A crash loses at most
//! the batch in flight; committed state stays readable.
//!
//! Failures never propagate: they are logged under berth.models.cache and the cache turns into a
//! no-op (misses, dropped writes). A file that is not a database is moved aside and recreated.
class MetadataCache final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetadataCache)

public:
    //! Enough for ~100,000 images with configs and history (a few KiB each, compressed) while
    //! staying a small fraction of a typical cache partition.
    static constexpr qint64 DefaultMaxBytes = 256 * 1024 * 1024;
    //! Coalesces the thousands of rows a loading repository produces per second into a couple of
    //! commits per second; a crash loses at most this much of (re-fetchable) cache.
    static constexpr int DefaultWriteDelayMs = 500;
    //! A batch this large is committed at once: bounds memory and the time one commit holds the
    //! GUI thread and the write lock (~10 ms of SQLite work on a laptop disk).
    static constexpr int MaxPendingWrites = 4096;
    static constexpr int SchemaVersion = 1;

    //! Empty path: QStandardPaths::CacheLocation + "/metadata.sqlite".
    explicit MetadataCache(const QString &databasePath = {}, QObject *parent = nullptr);
    ~MetadataCache() override; //!< flushes pending writes

    static QString defaultDatabasePath();
    QString databasePath() const { return m_path; }

    //! Opens (creating or migrating) the database. false: the cache stays a no-op; *error says
    //! why. Calling it again on an open cache is a no-op returning true.
    bool open(QString *error = nullptr);
    bool isOpen() const { return m_usable; }

    //! The metadata of a manifest digest, or nullopt. Records the use for LRU eviction (batched).
    std::optional<ImageMetadata> metadata(const QString &digest);
    void storeMetadata(const ImageMetadata &metadata);

    //! All known tags of a repository (tag → record).
    QHash<QString, TagRecord> tagsOf(const QString &registry, const QString &repository);
    std::optional<TagRecord> tag(const QString &registry, const QString &repository,
                                 const QString &tag);
    void storeTag(const QString &registry, const QString &repository, const QString &tag,
                  const QString &digest, const QDateTime &verifiedAt);
    //! After the tag was deleted (or found gone).
    void forgetTag(const QString &registry, const QString &repository, const QString &tag);
    //! Drops the repository's tags; image metadata stays (digests are shared) until evicted.
    void forgetRepository(const QString &registry, const QString &repository);
    //! Repositories of a registry with at least one cached tag, sorted; for offline browsing.
    QStringList knownRepositories(const QString &registry);
    //! When the registry last confirmed any tag of repository (the newest verifiedAt of
    //! tagsOf()); invalid when the cache knows none.
    QDateTime lastVerified(const QString &registry, const QString &repository);

    void setMaxBytes(qint64 bytes); //!< applied (evicting) at the next commit
    qint64 maxBytes() const { return m_maxBytes; }
    //! Payload bytes committed to the file (all processes); queued images are not counted yet.
    qint64 totalBytes();

    void setWriteDelay(int milliseconds); //!< 0 in tests: commit on the next event-loop turn
    int writeDelay() const { return m_flushTimer.interval(); }
    //! Commits queued writes now (and evicts if over the cap).
    void flush();
    int pendingWrites() const;

    //! What the file holds now, after committing this instance's queue (so the counts include
    //! it). A cache that is not open reports no rows; fileBytes is read from disk all the same.
    CacheStatistics statistics();
    //! Bytes of the database file and its write-ahead log at databasePath, 0 when there is none:
    //! without opening, so without creating, it.
    static qint64 fileBytes(const QString &databasePath);
    //! Empties the cache for every process sharing the file: this instance's queue is dropped,
    //! every row deleted in one write transaction, and the file compacted (best effort: a reader
    //! in another process may keep the log from shrinking until it lets go). false: nothing was
    //! deleted (busy past the timeout, read-only file); the reason is logged.
    bool clearAll();
    //! Forgets a registry (host[:port], as MetadataService::registryHost()): its tag records and
    //! the images only they pointed at (with an index's platform entries). Images another
    //! registry's tags point at stay (digests are content addresses). This instance's queue is
    //! committed in the same transaction first, so what it queued for the registry goes too and
    //! what it queued elsewhere keeps its images. Freed pages are reused by later writes rather
    //! than returned to the file system. false: nothing changed (the queue is kept for later).
    bool clearRegistry(const QString &registry);

    //! Successful / failed write transactions since construction (for tests and diagnostics).
    int commitCount() const { return m_commits; }
    int failedCommitCount() const { return m_failedCommits; }

    //! Test hooks: the clock for last_used (epoch ms), and a call made inside the write
    //! transaction just before COMMIT (to kill a process mid-write).
    void setClockForTesting(std::function<qint64()> nowMs);
    void setBeforeCommitHookForTesting(std::function<void()> hook);

private:
    using RepoKey = std::pair<QString, QString>; // (registry, repository)
    struct PendingImage
    {
        ImageMetadata metadata;
        qint64 lastUsed = 0;
    };
    struct Statements;

    //! Why opening failed: another process held a lock (worth retrying), the file is not a
    //! usable database (moved aside), or anything else (the cache stays off).
    enum class OpenProblem { Other, Busy, Corrupt };
    bool openDatabase(QString *error, OpenProblem *problem);
    //! openDatabase(), retried while another process holds a lock, up to BusyTimeoutMs.
    bool openDatabaseWaiting(QString *error, OpenProblem *problem);
    bool migrate(QString *error, OpenProblem *problem);
    static OpenProblem classify(const QSqlError &error);
    void closeDatabase();
    bool moveAside();
    void scheduleFlush();
    bool commitBatch(); // inside a transaction
    //! Runs body in a BEGIN IMMEDIATE transaction and commits it; rolls back when it fails.
    bool writeTransaction(const char *what, const std::function<bool()> &body);
    bool deleteRegistryRows(const QString &registry); // inside a transaction
    //! VACUUM and truncate the write-ahead log; failures only logged.
    void compact();
    bool evictOverCap();
    //! Logs a failed statement; corruption or a vanished file disables the cache.
    void reportFailure(const char *what, const QSqlQuery &query);
    void disable(const QString &why);
    void clearQueue();
    QString damageMarkerPath() const;
    qint64 now() const;

    QString m_path;
    QString m_connectionName;
    bool m_usable = false;
    qint64 m_maxBytes = DefaultMaxBytes;
    bool m_evictionDue = false;
    int m_commits = 0;
    int m_failedCommits = 0;
    QTimer m_flushTimer;
    std::function<qint64()> m_clock;
    std::function<void()> m_beforeCommitHook;
    std::unique_ptr<Statements> m_statements;

    // The queue. Tag writes form an overlay: a forgotten repository hides every committed row
    // of it; an overlay entry (nullopt = forgotten tag) wins over both. Applied in that order.
    QHash<QString, PendingImage> m_pendingImages;
    QHash<QString, qint64> m_pendingTouches; // digest → last used, for committed images
    QHash<RepoKey, QHash<QString, std::optional<TagRecord>>> m_pendingTags;
    QSet<RepoKey> m_forgottenRepos;
    int m_pendingTagCount = 0;
};

} // namespace Berth
