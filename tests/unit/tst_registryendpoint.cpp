#include "net/core/registryendpoint.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

Q_DECLARE_METATYPE(Berth::RegistryEndpoint::Scheme)

class tst_RegistryEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void endpoint_data();
    void endpoint();
};

void tst_RegistryEndpoint::endpoint_data()
{
    using Scheme = RegistryEndpoint::Scheme;
    QTest::addColumn<QString>("host");
    QTest::addColumn<Scheme>("scheme");
    QTest::addColumn<bool>("loopback");
    QTest::addColumn<QUrl>("baseUrl");
    QTest::addColumn<bool>("plainHttp");
    QTest::newRow("loopback auto") << u"127.0.0.1:5000"_s << Scheme::Auto << true
                                   << QUrl(u"https://127.0.0.1:5000"_s) << true;
    QTest::newRow("localhost http") << u"localhost:5000"_s << Scheme::Http << true
                                    << QUrl(u"http://localhost:5000"_s) << true;
    QTest::newRow("ipv6 loopback")
            << u"[::1]:5000"_s << Scheme::Https << true << QUrl(u"https://[::1]:5000"_s) << true;
    QTest::newRow("remote auto") << u"registry-1.docker.io"_s << Scheme::Auto << false
                                 << QUrl(u"https://registry-1.docker.io"_s) << false;
    QTest::newRow("remote https") << u"r.example:443"_s << Scheme::Https << false
                                  << QUrl(u"https://r.example:443"_s) << false;
    QTest::newRow("remote opted into http") << u"r.example:5000"_s << Scheme::Http << false
                                            << QUrl(u"http://r.example:5000"_s) << true;
}

void tst_RegistryEndpoint::endpoint()
{
    QFETCH(QString, host);
    QFETCH(RegistryEndpoint::Scheme, scheme);
    QFETCH(bool, loopback);
    QFETCH(QUrl, baseUrl);
    QFETCH(bool, plainHttp);
    RegistryEndpoint endpoint;
    endpoint.host = host;
    endpoint.scheme = scheme;
    QCOMPARE(endpoint.isLoopback(), loopback);
    QCOMPARE(endpoint.baseUrl(), baseUrl);
    QCOMPARE(endpoint.plainHttpAllowed(), plainHttp);
}

QTEST_GUILESS_MAIN(tst_RegistryEndpoint)
#include "tst_registryendpoint.moc"
