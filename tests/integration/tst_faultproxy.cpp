#include "faultproxy.h"
#include "httptestutil.h"
#include "registryprocess.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Berth::Test;

namespace {

QByteArray sha256Digest(const QByteArray &data)
{
    return "sha256:" + QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

// Tag names long enough that tags/list exceeds Go's 4 KiB response buffer and the registry
// answers it chunked, so relaying chunked responses is exercised.
constexpr int chunkedTagCount = 150;

QString tagName(int i)
{
    return u"a-rather-long-tag-name-for-chunking-%1"_s.arg(i, 4, 10, QChar(u'0'));
}

} // namespace

class TestFaultProxy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void passesThroughWithKeepAliveAndUploads();
    void relaysChunkedResponses();
    void addsLatency();
    void dropsConnection();
    void resetsMidBody();
    void truncatesBody();
    void injectsStatus_data();
    void injectsStatus();
    void corruptsOneByte();
    void firesEveryNthOnMatchingPathOnly();
    void stopsAfterMaxCount();
    void seededProbabilityIsReproducible();

private:
    QUrl proxied(const QString &path) const { return m_proxy->baseUrl().resolved(QUrl(path)); }
    HttpResult get(const QString &path)
    {
        return httpRequest(m_nam, "GET", makeRequest(proxied(path)));
    }
    QList<int> statusesOf(int requests);

    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<FaultProxy> m_proxy;
    QNetworkAccessManager m_nam;
    QByteArray m_blob;
    QString m_blobPath;
};

void TestFaultProxy::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    prepareNam(m_nam);
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));

    // Seed one blob (64 KiB of varied bytes) and a manifest tagged many times, directly.
    for (int i = 0; i < 64 * 1024; ++i)
        m_blob.append(char((i * 131 + i / 7) & 0xff));
    const QByteArray config = R"({"os":"linux"})";
    const QUrl base = m_registry->baseUrl();
    for (const QByteArray &blob : {m_blob, config}) {
        const HttpResult upload
                = httpRequest(m_nam, "POST",
                              makeRequest(base.resolved(QUrl(u"/v2/fault/test/blobs/uploads/"_s))));
        QCOMPARE(upload.status, 202);
        const QUrl location = base.resolved(QUrl::fromEncoded(upload.header("Location")));
        QNetworkRequest put(
                QUrl::fromEncoded(location.toEncoded() + "&digest=" + sha256Digest(blob)));
        put.setHeader(QNetworkRequest::ContentTypeHeader, "application/octet-stream"_ba);
        QCOMPARE(httpRequest(m_nam, "PUT", put, blob).status, 201);
    }
    m_blobPath = u"/v2/fault/test/blobs/"_s + QString::fromLatin1(sha256Digest(m_blob));
    const QByteArray manifest
            = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
              R"("config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":)"
              + QByteArray::number(config.size()) + R"(,"digest":")" + sha256Digest(config)
              + R"("},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip",)"
              + R"("size":)" + QByteArray::number(m_blob.size()) + R"(,"digest":")"
              + sha256Digest(m_blob) + R"("}]})";
    for (int i = 0; i < chunkedTagCount; ++i) {
        QNetworkRequest put(base.resolved(QUrl(u"/v2/fault/test/manifests/"_s + tagName(i))));
        put.setHeader(QNetworkRequest::ContentTypeHeader,
                      "application/vnd.docker.distribution.manifest.v2+json"_ba);
        QCOMPARE(httpRequest(m_nam, "PUT", put, manifest).status, 201);
    }
}

void TestFaultProxy::init()
{
    m_proxy = std::make_unique<FaultProxy>();
    m_proxy->setSeed(20240607);
    QString error;
    QVERIFY2(m_proxy->start(u"127.0.0.1"_s, quint16(m_registry->port()), &error),
             qPrintable(error));
    // A fresh manager per test: no kept-alive connection carries over between tests.
    m_nam.clearConnectionCache();
}

void TestFaultProxy::cleanup()
{
    m_nam.clearConnectionCache();
    m_proxy.reset();
}

QList<int> TestFaultProxy::statusesOf(int requests)
{
    QList<int> statuses;
    for (int i = 0; i < requests; ++i)
        statuses.append(get(u"/v2/"_s).status);
    return statuses;
}

void TestFaultProxy::passesThroughWithKeepAliveAndUploads()
{
    // Given no faults, requests through the proxy behave as against the registry
    const HttpResult v2 = get(u"/v2/"_s);
    QCOMPARE(v2.status, 200);
    QCOMPARE(v2.header("Docker-Distribution-Api-Version"), "registry/2.0"_ba);
    const HttpResult blob = get(m_blobPath);
    QCOMPARE(blob.status, 200);
    QCOMPARE(blob.body, m_blob);
    const HttpResult head = httpRequest(m_nam, "HEAD", makeRequest(proxied(m_blobPath)));
    QCOMPARE(head.status, 200);
    QCOMPARE(head.header("Content-Length").toLongLong(), m_blob.size());
    QCOMPARE(httpRequest(m_nam, "GET", makeRequest(proxied(m_blobPath))).body, m_blob);

    // An upload started through the proxy gets a Location that points back at the proxy
    const HttpResult upload = httpRequest(
            m_nam, "POST", makeRequest(proxied(u"/v2/fault/upload/blobs/uploads/"_s)));
    QCOMPARE(upload.status, 202);
    const QUrl location = proxied(u"/"_s).resolved(QUrl::fromEncoded(upload.header("Location")));
    QCOMPARE(location.port(), int(m_proxy->port()));
    const QByteArray data = "uploaded through the proxy";
    QNetworkRequest put(QUrl::fromEncoded(location.toEncoded() + "&digest=" + sha256Digest(data)));
    put.setHeader(QNetworkRequest::ContentTypeHeader, "application/octet-stream"_ba);
    QCOMPARE(httpRequest(m_nam, "PUT", put, data).status, 201);

    // Then every request was seen once, none faulted
    QCOMPARE(m_proxy->requestCount(), 6);
    QCOMPARE(m_proxy->pathCount(u"/v2/"_s), 1);
    QCOMPARE(m_proxy->pathCount(m_blobPath), 3);
    QCOMPARE(m_proxy->faultCount(), 0);
    // Sequential requests from one manager share a kept-alive connection
    QVERIFY2(m_proxy->connectionCount() < m_proxy->requestCount(),
             qPrintable(QString::number(m_proxy->connectionCount())));
}

void TestFaultProxy::relaysChunkedResponses()
{
    // Given the registry answers this tags/list chunked when asked directly
    QTcpSocket direct;
    direct.connectToHost(u"127.0.0.1"_s, quint16(m_registry->port()));
    QVERIFY(direct.waitForConnected(5000));
    direct.write("GET /v2/fault/test/tags/list HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QByteArray raw;
    while (direct.state() == QAbstractSocket::ConnectedState && direct.waitForReadyRead(5000))
        raw += direct.readAll();
    raw += direct.readAll();
    QVERIFY2(raw.toLower().contains("transfer-encoding: chunked"), raw.left(400).constData());

    // When it is fetched through the proxy, then the JSON arrives whole
    const HttpResult tags = get(u"/v2/fault/test/tags/list"_s);
    QCOMPARE(tags.status, 200);
    QVERIFY(!tags.header("Content-Length").isEmpty());
    const QJsonArray list = QJsonDocument::fromJson(tags.body).object().value(u"tags"_s).toArray();
    QCOMPARE(list.size(), chunkedTagCount);
    QVERIFY(list.contains(tagName(chunkedTagCount - 1)));
}

void TestFaultProxy::addsLatency()
{
    // A delay large against a loopback round trip (< 10 ms), small for the test's runtime
    constexpr int delayMs = 300;
    m_proxy->addFault(FaultProxy::Fault::latency(delayMs));
    QElapsedTimer timer;
    timer.start();
    const HttpResult result = get(u"/v2/"_s);
    QCOMPARE(result.status, 200);
    QVERIFY2(timer.elapsed() >= delayMs, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(m_proxy->faultCount(FaultProxy::FaultKind::Latency), 1);
}

void TestFaultProxy::dropsConnection()
{
    m_proxy->addFault(FaultProxy::Fault::drop());
    const HttpResult result = get(u"/v2/"_s);
    QCOMPARE(result.status, 0);
    QVERIFY(result.error != QNetworkReply::NoError);
    QVERIFY(!result.timedOut);
    QVERIFY(m_proxy->faultCount(FaultProxy::FaultKind::Drop) >= 1);

    // Removing the fault heals the path
    m_proxy->clearFaults();
    QCOMPARE(get(u"/v2/"_s).status, 200);
}

void TestFaultProxy::resetsMidBody()
{
    m_proxy->addFault(FaultProxy::Fault::resetMidBody(1000).onPath(u"/blobs/"_s));
    const HttpResult result = get(m_blobPath);
    QVERIFY2(result.error != QNetworkReply::NoError, qPrintable(result.errorString));
    QVERIFY(result.body.size() < m_blob.size());
    QVERIFY(!result.timedOut);
    QCOMPARE(m_proxy->faultCount(FaultProxy::FaultKind::ResetMidBody), 1);
}

void TestFaultProxy::truncatesBody()
{
    m_proxy->addFault(FaultProxy::Fault::truncate(4096).onPath(u"/blobs/"_s));
    const HttpResult result = get(m_blobPath);
    QVERIFY2(result.error != QNetworkReply::NoError, qPrintable(result.errorString));
    QVERIFY(!result.timedOut);
    QVERIFY(result.body.size() < m_blob.size());
    QCOMPARE(m_proxy->faultCount(FaultProxy::FaultKind::Truncate), 1);
}

void TestFaultProxy::injectsStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("retryAfter");
    QTest::addColumn<QString>("code");
    QTest::newRow("500") << 500 << -1 << u"UNKNOWN"_s;
    QTest::newRow("502") << 502 << -1 << u"UNKNOWN"_s;
    QTest::newRow("503 retry 7") << 503 << 7 << u"UNAVAILABLE"_s;
    QTest::newRow("429 retry 2") << 429 << 2 << u"TOOMANYREQUESTS"_s;
}

void TestFaultProxy::injectsStatus()
{
    QFETCH(int, status);
    QFETCH(int, retryAfter);
    QFETCH(QString, code);
    m_proxy->addFault(FaultProxy::Fault::httpStatus(status, retryAfter));

    const HttpResult result = get(u"/v2/fault/test/tags/list"_s);
    QCOMPARE(result.status, status);
    QCOMPARE(result.header("Retry-After"),
             retryAfter < 0 ? QByteArray() : QByteArray::number(retryAfter));
    const QJsonArray errors
            = QJsonDocument::fromJson(result.body).object().value(u"errors"_s).toArray();
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().toObject().value(u"code"_s).toString(), code);
    QCOMPARE(m_proxy->faultCount(FaultProxy::FaultKind::Status), 1);
}

void TestFaultProxy::corruptsOneByte()
{
    m_proxy->addFault(FaultProxy::Fault::corrupt().onPath(u"/blobs/"_s));
    const HttpResult result = get(m_blobPath);

    // The transfer itself succeeds, with the right length, but the digest no longer matches
    QCOMPARE(result.status, 200);
    QCOMPARE(result.body.size(), m_blob.size());
    QVERIFY(sha256Digest(result.body) != sha256Digest(m_blob));
    int differing = 0;
    for (qsizetype i = 0; i < m_blob.size(); ++i)
        differing += result.body.at(i) != m_blob.at(i) ? 1 : 0;
    QCOMPARE(differing, 1);
    QCOMPARE(m_proxy->faultCount(FaultProxy::FaultKind::Corrupt), 1);
}

void TestFaultProxy::firesEveryNthOnMatchingPathOnly()
{
    const int id
            = m_proxy->addFault(FaultProxy::Fault::httpStatus(503).every(3).onPath(u"^/v2/$"_s));

    // Given requests that do not match, they are never faulted
    for (int i = 0; i < 4; ++i)
        QCOMPARE(get(m_blobPath).status, 200);

    // When /v2/ is requested 9 times, then exactly the 3rd, 6th and 9th fail
    QCOMPARE(statusesOf(9), (QList<int>{200, 200, 503, 200, 200, 503, 200, 200, 503}));
    QCOMPARE(m_proxy->faultCountForId(id), 3);
    QCOMPARE(m_proxy->faultCount(), 3);
    QCOMPARE(m_proxy->pathCount(u"/v2/"_s), 9);
    QCOMPARE(m_proxy->requestCount(), 13);
}

void TestFaultProxy::stopsAfterMaxCount()
{
    // "Fails twice, then recovers": the shape of a transient outage
    m_proxy->addFault(FaultProxy::Fault::httpStatus(503, 1).times(2));
    QCOMPARE(statusesOf(4), (QList<int>{503, 503, 200, 200}));
    QCOMPARE(m_proxy->faultCount(FaultProxy::FaultKind::Status), 2);
}

void TestFaultProxy::seededProbabilityIsReproducible()
{
    // Given a 50 % fault and a fixed seed
    constexpr int requests = 24;
    m_proxy->setSeed(7);
    m_proxy->addFault(FaultProxy::Fault::httpStatus(500).withProbability(0.5));
    const QList<int> first = statusesOf(requests);

    // When the same seed is replayed on a fresh counter state
    m_proxy->resetCounters();
    m_proxy->setSeed(7);
    const QList<int> second = statusesOf(requests);

    // Then the pattern repeats, and it really is a mix
    QCOMPARE(second, first);
    QVERIFY(first.contains(500));
    QVERIFY(first.contains(200));
    QCOMPARE(m_proxy->faultCount(), int(first.count(500)));

    // And another seed gives another pattern
    m_proxy->resetCounters();
    m_proxy->setSeed(8);
    QVERIFY(statusesOf(requests) != first);
}

QTEST_GUILESS_MAIN(TestFaultProxy)
#include "tst_faultproxy.moc"
