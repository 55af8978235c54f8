// Layers streamed from a scripted registry: listed at the reader's pace, one file read back
// with a Range from its checkpoint (and only those bytes fetched), the whole layer when a
// server ignores Range, a server sending other bytes for the range caught by the file's digest,
// a layer that does not hash to its digest refused, and a cancel that stops the transfer.
#include "scriptedstack.h"

#include "net/layers/layerjobs.h"
#include "net/layers/layerreader.h"
#include "net/transport/bytequeue.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

const QString Repository = u"team/app"_s;

QByteArray random(qint64 size, quint32 seed)
{
    QByteArray bytes((size + 3) / 4 * 4, Qt::Uninitialized);
    QRandomGenerator(seed).fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    bytes.truncate(size);
    return bytes;
}

//! A gzip'ed tar made by tar and gzip: a small text file after 6 MiB of random bytes.
QByteArray makeLayer(const QTemporaryDir &dir)
{
    QDir(dir.path()).mkpath(u"root/etc"_s);
    QFile big(dir.filePath(u"root/big.bin"_s));
    big.open(QIODevice::WriteOnly);
    big.write(random(6 * 1024 * 1024, 3));
    big.close();
    QFile text(dir.filePath(u"root/etc/hostname"_s));
    text.open(QIODevice::WriteOnly);
    text.write("scripted\n");
    text.close();
    QProcess tar;
    tar.setWorkingDirectory(dir.filePath(u"root"_s));
    tar.start(u"sh"_s, {u"-c"_s, u"tar --sort=name -cf - big.bin etc | gzip -n"_s});
    tar.waitForFinished(60000);
    return tar.readAllStandardOutput();
}

//! Serves blob at /v2/team/app/blobs/<digest>: Range honoured (206) unless ignoreRange;
//! rangeBody replaces what a range answers (a lying server).
ScriptedHttpServer::Handler blobServer(const QByteArray &blob, bool ignoreRange = false,
                                       const QByteArray &rangeBody = {})
{
    const QString path = u"/v2/%1/blobs/%2"_s.arg(Repository, Digest::sha256(blob));
    return [=](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/"_s)
            return ScriptedHttpServer::Reply::json(200, "{}");
        if (request.path() != path)
            return ScriptedHttpServer::Reply::registryError(404, "BLOB_UNKNOWN", "unknown");
        const QByteArray range = request.header("Range");
        if (range.isEmpty() || ignoreRange) {
            ScriptedHttpServer::Reply reply;
            reply.body = blob;
            return reply;
        }
        const QList<QByteArray> bounds = range.mid(6).split('-');
        const qint64 first = bounds.value(0).toLongLong();
        const qint64 last = bounds.value(1).isEmpty()
                                    ? blob.size() - 1
                                    : qMin(bounds.value(1).toLongLong(), blob.size() - 1);
        ScriptedHttpServer::Reply reply;
        reply.status = 206;
        reply.body = rangeBody.isNull() ? blob.mid(first, last + 1 - first) : rangeBody;
        reply.header("Content-Range", "bytes " + QByteArray::number(first) + '-'
                                              + QByteArray::number(last) + '/'
                                              + QByteArray::number(blob.size()));
        return reply;
    };
}

Descriptor layerDescriptor(const QByteArray &blob)
{
    Descriptor layer;
    layer.mediaType = u"application/vnd.oci.image.layer.v1.tar+gzip"_s;
    layer.digest = Digest::sha256(blob);
    layer.size = blob.size();
    return layer;
}

const LayerEntry *find(const LayerListing &listing, const QString &path)
{
    for (const LayerEntry &entry : listing.entries) {
        if (entry.path == path)
            return &entry;
    }
    return nullptr;
}

} // namespace

class TestLayerJobs : public ScriptedStackTest
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init() { QVERIFY(setUpStack()); }
    void cleanup() { tearDownStack(); }

    void listsAndReadsOneFileByRange();
    void readsTheWholeLayerWhenRangeIsIgnored();
    void catchesOtherBytesForTheRange();
    void refusesALayerThatDoesNotHashToItsDigest();
    void cancelStopsTheTransfer();
    void aSilentServerTimesOut();
    void readsTheListedOneOfAPathWrittenTwice();
    void aPausedReaderIsNotASilentServer();
    void aReaderPausingAfterTheLastByteIsNotAStall();

private:
    LayerListing list();
    QTemporaryDir m_dir;
    QByteArray m_blob;
};

void TestLayerJobs::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_blob = makeLayer(m_dir);
    QVERIFY(m_blob.size() > 6 * 1024 * 1024);
}

LayerListing TestLayerJobs::list()
{
    const Result<LayerListing> listing = waitFor(listLayer(
            m_backend, Repository, layerDescriptor(m_blob), Priority::Interactive, m_backend));
    if (!listing) {
        qWarning() << listing.error().message;
        return {};
    }
    return *listing;
}

void TestLayerJobs::listsAndReadsOneFileByRange()
{
    m_server->setHandler(blobServer(m_blob));
    const LayerListing listing = list();
    QCOMPARE(listing.compression, u"gzip"_s);
    QVERIFY(listing.checkpoints.size() >= 2);
    const LayerEntry *hostname = find(listing, u"/etc/hostname"_s);
    QVERIFY(hostname);
    m_server->clearRequests();
    QByteArray read;
    const Result<LayerFileRead> result = waitFor(readLayerFile(
            m_backend, Repository, listing, *hostname, -1,
            [&read](QByteArrayView bytes) {
                read += bytes; // one thread writes, the test reads after the job ended
                return true;
            },
            Priority::Interactive, m_backend));
    QVERIFY2(result, qPrintable(result.error().message));
    QCOMPARE(read, QByteArray("scripted\n"));
    QVERIFY(result->ranged);
    // The file sits after 6 MiB of random data: a Range from the last checkpoint before it.
    QVERIFY2(result->requestedBytes < m_blob.size() / 2,
             qPrintable(u"asked for %1 of %2"_s.arg(result->requestedBytes).arg(m_blob.size())));
    QVERIFY(result->fetchedBytes <= result->requestedBytes);
    // The file is the layer's last: from the checkpoint before it to the blob's end.
    const QByteArray range = m_server->requests().constFirst().header("Range");
    const QByteArray first
            = "bytes=" + QByteArray::number(m_blob.size() - result->requestedBytes) + '-';
    QVERIFY2(range.startsWith(first), range.constData());
    QCOMPARE(m_server->requestCount(), 1);
    QVERIFY(m_server->requests().constFirst().header("Range").startsWith("bytes="));
}

void TestLayerJobs::readsTheWholeLayerWhenRangeIsIgnored()
{
    m_server->setHandler(blobServer(m_blob, true));
    const LayerListing listing = list();
    const LayerEntry *hostname = find(listing, u"/etc/hostname"_s);
    QVERIFY(hostname);
    QByteArray read;
    const Result<LayerFileRead> result = waitFor(readLayerFile(
            m_backend, Repository, listing, *hostname, -1,
            [&read](QByteArrayView bytes) {
                read += bytes;
                return true;
            },
            Priority::Interactive, m_backend));
    QVERIFY2(result, qPrintable(result.error().message));
    QCOMPARE(read, QByteArray("scripted\n"));
    QVERIFY(!result->ranged);
}

void TestLayerJobs::catchesOtherBytesForTheRange()
{
    m_server->setHandler(blobServer(m_blob));
    const LayerListing listing = list();
    const LayerEntry *hostname = find(listing, u"/etc/hostname"_s);
    QVERIFY(hostname);
    const LayerRangeStart start = layerRangeStart(listing, hostname->dataOffset);
    QByteArray lying = m_blob.mid(start.sourceOffset);
    // Flip bytes of the last deflate block, which holds the file (the random bytes before it
    // are stored blocks, copied as they are): inflate either fails or yields other bytes.
    QVERIFY(lying.size() > 64);
    for (qsizetype i = lying.size() - 48; i < lying.size() - 24; ++i)
        lying[i] = char(lying[i] ^ 0x21);
    m_server->setHandler(blobServer(m_blob, false, lying));
    const Result<LayerFileRead> result = waitFor(readLayerFile(
            m_backend, Repository, listing, *hostname, -1, [](QByteArrayView) { return true; },
            Priority::Interactive, m_backend));
    QVERIFY(!result);
    QVERIFY2(result.error().code == ErrorCode::DigestMismatch
                     || result.error().code == ErrorCode::BadResponse,
             qPrintable(result.error().toString()));
}

void TestLayerJobs::refusesALayerThatDoesNotHashToItsDigest()
{
    QByteArray other = m_blob;
    other[other.size() - 3] = char(other[other.size() - 3] ^ 1); // the gzip trailer's ISIZE
    // Served under the real blob's digest.
    m_server->setHandler([=](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/"_s)
            return ScriptedHttpServer::Reply::json(200, "{}");
        ScriptedHttpServer::Reply reply;
        reply.body = other;
        return reply;
    });
    const Result<LayerListing> listing = waitFor(listLayer(
            m_backend, Repository, layerDescriptor(m_blob), Priority::Interactive, m_backend));
    QVERIFY(!listing);
    QVERIFY2(listing.error().code == ErrorCode::DigestMismatch
                     || listing.error().code == ErrorCode::BadResponse,
             qPrintable(listing.error().toString()));
}

void TestLayerJobs::cancelStopsTheTransfer()
{
    // A server that drips: the listing can only end by the cancel.
    m_server->setHandler([blob = m_blob](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/"_s)
            return ScriptedHttpServer::Reply::json(200, "{}");
        ScriptedHttpServer::Reply reply;
        reply.body = blob;
        reply.stallAfterBodyBytes = 100000;
        return reply;
    });
    LayerProgress progress;
    QPointer<ResultJob<LayerListing>> job
            = listLayer(m_backend, Repository, layerDescriptor(m_blob), Priority::Interactive,
                        m_backend, &progress);
    QTRY_VERIFY(progress && progress->bytesWritten() >= 100000);
    job->cancel();
    QVERIFY(job->isFinished());
    QCOMPARE(job->result().error().code, ErrorCode::Cancelled);
    // The reader thread ended and let go of the queue (deleted on this thread).
    QTRY_VERIFY(!progress);
}

void TestLayerJobs::readsTheListedOneOfAPathWrittenTwice()
{
    // tar -r appends a second "dup"; zstd cannot be entered in the middle, so the layer is read
    // again up to the file.
    QTemporaryDir dir;
    QProcess tar;
    tar.setWorkingDirectory(dir.path());
    tar.start(u"sh"_s, {u"-c"_s, u"printf first-version > dup && tar -cf l.tar dup && "
                                 "printf second > dup && tar -rf l.tar dup && zstd -q -c l.tar"_s});
    tar.waitForFinished(60000);
    const QByteArray blob = tar.readAllStandardOutput();
    QVERIFY(blob.startsWith("\x28\xb5\x2f\xfd"));
    m_server->setHandler(blobServer(blob));
    Descriptor layer = layerDescriptor(blob);
    layer.mediaType = u"application/vnd.oci.image.layer.v1.tar+zstd"_s;
    const Result<LayerListing> listing
            = waitFor(listLayer(m_backend, Repository, layer, Priority::Interactive, m_backend));
    QVERIFY2(listing, qPrintable(listing.error().message));
    QCOMPARE(listing->entries.size(), 2);
    for (const LayerEntry &entry : listing->entries) {
        QByteArray read;
        const Result<LayerFileRead> result = waitFor(readLayerFile(
                m_backend, Repository, *listing, entry, -1,
                [&read](QByteArrayView bytes) {
                    read += bytes;
                    return true;
                },
                Priority::Interactive, m_backend));
        QVERIFY2(result, qPrintable(result.error().toString()));
        QCOMPARE(read, entry.size == 6 ? QByteArray("second") : QByteArray("first-version"));
    }
}

void TestLayerJobs::aSilentServerTimesOut()
{
    m_server->setHandler([blob = m_blob](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/"_s)
            return ScriptedHttpServer::Reply::json(200, "{}");
        ScriptedHttpServer::Reply reply;
        reply.body = blob;
        reply.stallAfterBodyBytes = 100000;
        return reply;
    });
    setLayerStallTimeoutMs(400);
    const Result<LayerListing> listing
            = waitFor(listLayer(m_backend, Repository, layerDescriptor(m_blob),
                                Priority::Interactive, m_backend),
                      10000);
    setLayerStallTimeoutMs(DefaultLayerStallTimeoutMs);
    QVERIFY(!listing);
    QCOMPARE(listing.error().code, ErrorCode::Timeout);
    QVERIFY2(listing.error().message.contains(u"no data"_s), qPrintable(listing.error().message));
}

void TestLayerJobs::aPausedReaderIsNotASilentServer()
{
    m_server->setHandler(blobServer(m_blob));
    const LayerListing listing = list();
    const LayerEntry *big = find(listing, u"/big.bin"_s);
    QVERIFY(big);
    setLayerStallTimeoutMs(300);
    bool paused = false;
    qint64 bytes = 0;
    // The reader sleeps well past the stall timeout once: the queue fills, and waits.
    const Result<LayerFileRead> result = waitFor(readLayerFile(
            m_backend, Repository, listing, *big, -1,
            [&paused, &bytes](QByteArrayView chunk) {
                if (!paused) {
                    paused = true;
                    QThread::msleep(1500);
                }
                bytes += chunk.size();
                return true;
            },
            Priority::Interactive, m_backend));
    setLayerStallTimeoutMs(DefaultLayerStallTimeoutMs);
    QVERIFY2(result, qPrintable(result.error().toString()));
    QCOMPARE(bytes, big->size);
}

void TestLayerJobs::aReaderPausingAfterTheLastByteIsNotAStall()
{
    m_server->setHandler(blobServer(m_blob));
    const LayerListing listing = list();
    const LayerEntry *hostname = find(listing, u"/etc/hostname"_s);
    QVERIFY(hostname);
    setLayerStallTimeoutMs(300);
    // The Range for the last file is far below the queue's capacity: the whole body is in the
    // queue (and the stream closed) before the reader pauses; nothing arrives after that.
    QByteArray read;
    const Result<LayerFileRead> result = waitFor(readLayerFile(
            m_backend, Repository, listing, *hostname, -1,
            [&read](QByteArrayView chunk) {
                if (read.isEmpty())
                    QThread::msleep(1000);
                read += chunk;
                return true;
            },
            Priority::Interactive, m_backend));
    setLayerStallTimeoutMs(DefaultLayerStallTimeoutMs);
    QVERIFY2(result, qPrintable(result.error().toString()));
    QCOMPARE(read, QByteArray("scripted\n"));
}

QTEST_GUILESS_MAIN(TestLayerJobs)
#include "tst_layerjobs.moc"
