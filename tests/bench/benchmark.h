#pragma once

#include "net/core/backendinfo.h"
#include "net/core/credentials.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QTemporaryDir;

namespace Berth {
class MetadataCache;
}

namespace Berth::Test {

class BenchStack;
class HarborServer;
class RegistryProcess;

//! The benchmark run: for each repository size, seeds a real registry and measures the tag
//! table model, `berth tags`, skopeo and a raw client against it; then the memory cost of a
//! million rows in a separate process. Prints a table and writes the figures as JSON. Prints
//! figures, never judges timings: only a scenario that could not run at all fails the run.
class Benchmark final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Benchmark)
public:
    struct Options
    {
        QList<int> sizes{1000, 10000, 100000};
        //! Distinct images the tags point at (pushed through the API).
        int images = 200;
        //! Tags in the raw client's larger sample (and the bulk metadata load).
        int rawSample = 1000;
        //! Tag rows for the memory scenario (synthetic pager, separate process).
        qint64 memoryRows = 1000000;
        //! Largest repository exported with `berth export` (and the raw client's full mix):
        //! both move every tag's requests, ~3 min each at 100,000 tags here.
        int exportMax = 10000;
        //! Sizes up to this get the clean-up plan scenario (a HEAD per tag).
        int cleanupMax = 100000;
        //! Runs of each external listing command; the median is reported.
        int repeats = 3;
        QString berthBinary;
        QString jsonPath;
        bool quick = false;
    };

    explicit Benchmark(Options options, QObject *parent = nullptr);
    ~Benchmark() override;

    //! The whole run; returns the process exit code.
    int run();

    //! `berth-bench --memory-child ROWS`: loads ROWS synthetic rows into a TagTableModel and
    //! prints one JSON line with the resident memory before and after.
    static int runMemoryChild(qint64 rows);

private:
    bool startRegistry();
    //! A client stack with its session open (BenchStack::open()); null when it did not open,
    //! recorded as a failure of scenario.
    std::unique_ptr<BenchStack> openStack(const QString &scenario, const QString &host,
                                          MetadataCache *cache, const Credentials &credentials = {},
                                          BackendKind kind = BackendKind::Registry);
    bool seed(int size, QJsonObject &result);
    //! The window's first screen: the model behind a proxy sorted by tag, the visible range
    //! reported as a view reports it; when the top 40 rows are the top of the finished list
    //! with their metadata and stay so, against the raw tags/list time.
    void measureFirstScreen(int size, QJsonObject &result);
    void measureModelCold(int size, QJsonObject &result);
    void measureModelWarm(int size, QJsonObject &result);
    void measureFullLoad(int size, QJsonObject &result);
    void measureBulkMetadata(int size, QJsonObject &result);
    void measureCli(int size, QJsonObject &result);
    void measureSkopeo(int size, QJsonObject &result);
    void measureRaw(int size, QJsonObject &result);
    void measureHarbor(int size, QJsonObject &result);
    void measureHarborApi(const QString &repository, QJsonObject &harbor);
    void measureExport(int size, QJsonObject &result);
    //! The clean-up plan of the size's repository (every tag's digest and age through the
    //! metadata service, on the cache the model scenarios filled, then planCleanup()).
    void measureCleanupPlan(int size, QJsonObject &result);
    //! A clean-up run deleting CleanupImages images against the raw client's DELETEs of the
    //! same number of manifests (once, in repositories of its own).
    void measureCleanupRun();
    void measureMemory();
    QJsonObject machine() const;
    QJsonArray targets() const;
    void printTable() const;
    void fail(const QString &what);

    QString repositoryFor(int size) const;
    QString cachePathFor(int size) const;

    Options m_options;
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<HarborServer> m_harbor; //!< in this process, in front of m_registry
    std::unique_ptr<QTemporaryDir> m_workDir;
    QJsonArray m_sizes; //!< one object per size
    QJsonObject m_memory;
    QJsonObject m_cleanupRun;
    QStringList m_failures;
    // Per size, filled while seeding and listing: what every scenario of that size works on.
    QStringList m_allTags;     //!< in the registry's listing order
    QStringList m_visibleTags; //!< the first 40 rows
    struct Image
    {
        QString digest;
        QString configDigest;
    };
    QHash<QString, Image> m_imageOfTag;
    struct Pushed
    {
        QString digest;
        QString firstTag; //!< pushed through the API
        QStringList rest; //!< written into storage
    };
    QList<Pushed> m_pushed;
};

} // namespace Berth::Test
