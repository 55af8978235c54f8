// Hostile layers pushed to the real registry and read with `berth ls` and `berth cat`: a
// million entries, a header claiming 8 GiB, a zstd frame asking for a 2 GiB window, truncated
// and corrupt gzip, paths climbing out of the root, a symbolic link loop. Each ends with a clear
// message and exit 1 (or is listed without the unsafe entries), within a memory bound measured
// here with GNU time (docs/architecture.md states the bounds).
#include "berthprocess.h"
#include "imagebuilder.h"
#include "imageseeder.h"
#include "registryprocess.h"

#include "net/core/digest.h"
#include "net/formats/mediatypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

//! One ustar header block: a regular file (or symlink) of size bytes claimed.
QByteArray ustarHeader(const QByteArray &name, qint64 size, char type = '0',
                       const QByteArray &link = {})
{
    QByteArray header(512, '\0');
    const auto put = [&header](int offset, const QByteArray &value) {
        std::copy(value.cbegin(), value.cend(), header.begin() + offset);
    };
    const auto octal = [](qint64 value, int width) {
        return QByteArray::number(value, 8).rightJustified(width - 1, '0');
    };
    put(0, name.left(100));
    put(100, octal(0644, 8));
    put(108, octal(0, 8));
    put(116, octal(0, 8));
    put(124, octal(size, 12));
    put(136, octal(1700000000, 12));
    put(148, QByteArray(8, ' '));
    header[156] = type;
    put(157, link.left(100));
    put(257, QByteArray("ustar\0"
                        "00",
                        8));
    int sum = 0;
    for (const char c : std::as_const(header))
        sum += quint8(c);
    put(148, octal(sum, 7) + '\0');
    return header;
}

QByteArray pipeThrough(const QString &command, const std::function<void(QProcess &)> &write)
{
    QProcess process;
    process.start(u"sh"_s, {u"-c"_s, command});
    process.waitForStarted();
    QByteArray out;
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &process,
                     [&] { out += process.readAllStandardOutput(); });
    write(process);
    process.closeWriteChannel();
    process.waitForFinished(120000);
    out += process.readAllStandardOutput();
    return out;
}

} // namespace

class TestHostileLayers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aMillionEntriesStopAtTheBound();
    void aHugeClaimedSizeIsATruncatedLayer();
    void aZstdWindowOfTwoGiBIsRefused();
    void brokenGzip_data();
    void brokenGzip();
    void pathsOutOfTheRootAreSkipped();
    void aSymlinkLoopEndsCat();

private:
    //! Pushes one image with layer (media type by compression) as repository:1.
    QString push(const QString &repository, const QByteArray &layer, const QString &mediaType);
    //! berth under GNU time: *peakKiB its peak resident memory.
    BerthRun berth(const QStringList &arguments, qint64 *peakKiB = nullptr);

    RegistryProcess m_registry;
    QTemporaryDir m_home;
};

void TestHostileLayers::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(m_home.isValid());
    QString error;
    QVERIFY2(m_registry.start(&error), qPrintable(error));
}

QString TestHostileLayers::push(const QString &repository, const QByteArray &layer,
                                const QString &mediaType)
{
    SeedPush seed{repository, ImageBuilder::singleLayer(layer, mediaType), {u"1"_s}};
    seed.image.image.repository = repository;
    ImageSeeder seeder(m_registry.host());
    const auto pushed = seeder.pushAndWait(seed);
    if (!pushed)
        qWarning() << pushed.error().toString();
    return m_registry.host() + u'/' + repository + u":1"_s;
}

BerthRun TestHostileLayers::berth(const QStringList &arguments, qint64 *peakKiB)
{
    QStringList timed{u"-f"_s, u"berth-peak-kib=%M"_s, QStringLiteral(BERTH_BINARY),
                      arguments.constFirst(), u"--plain-http"_s};
    timed += arguments.mid(1);
    BerthRun run = runBerth(u"/usr/bin/time"_s, timed, {}, QDir(m_home.path()), 120000);
    const QRegularExpressionMatch peak
            = QRegularExpression(u"berth-peak-kib=(\\d+)"_s).match(QString::fromUtf8(run.err));
    if (peakKiB)
        *peakKiB = peak.hasMatch() ? peak.captured(1).toLongLong() : -1;
    return run;
}

void TestHostileLayers::aMillionEntriesStopAtTheBound()
{
    // 1,000,000 empty files: 512 MB of tar, gzip'ed on the fly (~10 MB).
    const QByteArray layer = pipeThrough(u"gzip -1"_s, [](QProcess &gzip) {
        QByteArray block;
        for (int i = 0; i < 1000000; ++i) {
            block += ustarHeader("d" + QByteArray::number(i / 1000) + "/f" + QByteArray::number(i),
                                 0);
            if (block.size() >= 4 * 1024 * 1024) {
                gzip.write(block);
                gzip.waitForBytesWritten(-1);
                block.clear();
            }
        }
        gzip.write(block + QByteArray(1024, '\0'));
        gzip.waitForBytesWritten(-1);
    });
    QVERIFY(layer.size() > 1000);
    const QString image = push(u"hostile/million"_s, layer, QString(MediaType::OciLayer));
    qint64 peakKiB = 0;
    const BerthRun run = berth({u"ls"_s, image}, &peakKiB);
    QCOMPARE(run.code, 1);
    QVERIFY2(run.err.contains("more than 300000 entries"), run.err.constData());
    // 300,000 entries held, ~250 bytes each, plus buffers: the bound docs/architecture.md states.
    QVERIFY2(peakKiB > 0 && peakKiB < 256 * 1024, qPrintable(QString::number(peakKiB)));
    qInfo("a million entries: berth ls peaked at %lld MiB", peakKiB / 1024);
}

void TestHostileLayers::aHugeClaimedSizeIsATruncatedLayer()
{
    const QByteArray tar = ustarHeader("etc/huge", 8LL * 1024 * 1024 * 1024) + QByteArray(600, 'x');
    const QString image
            = push(u"hostile/huge"_s, ImageBuilder::gzip(tar), QString(MediaType::OciLayer));
    qint64 peakKiB = 0;
    const BerthRun run = berth({u"ls"_s, image}, &peakKiB);
    QCOMPARE(run.code, 1);
    QVERIFY2(run.err.contains("runcated"), run.err.constData());
    QVERIFY2(peakKiB > 0 && peakKiB < 128 * 1024, qPrintable(QString::number(peakKiB)));
}

void TestHostileLayers::aZstdWindowOfTwoGiBIsRefused()
{
    const QByteArray tar = ustarHeader("f", 1000) + QByteArray(1000, 'z').leftJustified(1024, '\0')
                           + QByteArray(1024, '\0');
    // From a pipe, zstd cannot know the size and writes the window it was told: 2 GiB.
    const QByteArray layer
            = pipeThrough(u"zstd -q --long=31 -c"_s, [&tar](QProcess &zstd) { zstd.write(tar); });
    QVERIFY(layer.startsWith("\x28\xb5\x2f\xfd"));
    const QString image
            = push(u"hostile/zstd"_s, layer, u"application/vnd.oci.image.layer.v1.tar+zstd"_s);
    qint64 peakKiB = 0;
    const BerthRun run = berth({u"ls"_s, image}, &peakKiB);
    QCOMPARE(run.code, 1);
    QVERIFY2(run.err.contains("zstd") || run.err.contains("memory"), run.err.constData());
    QVERIFY2(peakKiB > 0 && peakKiB < 256 * 1024, qPrintable(QString::number(peakKiB)));
}

void TestHostileLayers::brokenGzip_data()
{
    QTest::addColumn<QByteArray>("layer");
    QTest::addColumn<QByteArray>("message");
    QByteArray tar;
    for (int i = 0; i < 50; ++i)
        tar += ustarHeader("f" + QByteArray::number(i), 512) + QByteArray(512, char('a' + i % 26));
    tar += QByteArray(1024, '\0');
    const QByteArray gz = ImageBuilder::gzip(tar);
    QByteArray corrupt = gz;
    for (qsizetype i = 20; i < 40; ++i)
        corrupt[i] = char(corrupt[i] ^ 0x77);
    QTest::newRow("truncated") << gz.left(gz.size() / 2) << QByteArray("truncated");
    QTest::newRow("corrupt") << corrupt << QByteArray("gzip");
}

void TestHostileLayers::brokenGzip()
{
    QFETCH(QByteArray, layer);
    QFETCH(QByteArray, message);
    const QString image = push(u"hostile/gzip-"_s + QString::fromLatin1(QTest::currentDataTag()),
                               layer, QString(MediaType::OciLayer));
    const BerthRun run = berth({u"ls"_s, image});
    QCOMPARE(run.code, 1);
    QVERIFY2(run.err.contains(message), run.err.constData());
}

void TestHostileLayers::pathsOutOfTheRootAreSkipped()
{
    const QByteArray tar = ustarHeader("../../etc/passwd", 4)
                           + QByteArray("root").leftJustified(512, '\0')
                           + ustarHeader("/abs/file", 4)
                           + QByteArray("abso").leftJustified(512, '\0') + ustarHeader("ok/file", 2)
                           + QByteArray("ok").leftJustified(512, '\0') + QByteArray(1024, '\0');
    const QString image
            = push(u"hostile/paths"_s, ImageBuilder::gzip(tar), QString(MediaType::OciLayer));
    const BerthRun run = berth({u"ls"_s, image, u"--json"_s});
    QCOMPARE(run.code, 0);
    QStringList paths;
    for (const QJsonValue &entry :
         QJsonDocument::fromJson(run.out).object().value(u"entries"_s).toArray())
        paths.append(entry.toObject().value(u"path"_s).toString());
    QCOMPARE(paths, (QStringList{u"/abs"_s, u"/abs/file"_s, u"/ok"_s, u"/ok/file"_s}));
    QVERIFY2(run.err.contains("climbs out"), run.err.constData());
    QCOMPARE(berth({u"cat"_s, image, u"/../../etc/passwd"_s}).code, 1);
}

void TestHostileLayers::aSymlinkLoopEndsCat()
{
    const QByteArray tar = ustarHeader("a", 0, '2', "b") + ustarHeader("b", 0, '2', "/a")
                           + QByteArray(1024, '\0');
    const QString image
            = push(u"hostile/loop"_s, ImageBuilder::gzip(tar), QString(MediaType::OciLayer));
    const BerthRun run = berth({u"cat"_s, image, u"/a"_s});
    QCOMPARE(run.code, 1);
    QVERIFY2(run.err.contains("too many levels of symbolic links"), run.err.constData());
}

QTEST_GUILESS_MAIN(TestHostileLayers)
#include "tst_hostilelayers.moc"
