#include "net/transport/linkheader.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

class tst_LinkHeader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nextLink_data();
    void nextLink();
};

void tst_LinkHeader::nextLink_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QUrl>("requestUrl");
    QTest::addColumn<QUrl>("expected");

    const QUrl catalog(u"http://127.0.0.1:5000/v2/_catalog?n=2"_s);
    const QUrl harbor(
            u"https://harbor.example/api/v2.0/projects/p/repositories?page=2&page_size=10"_s);

    // Distribution 2.8: a path-only target, resolved against the request URL.
    QTest::newRow("distribution catalog")
            << R"(</v2/_catalog?last=b&n=2>; rel="next")"_ba << catalog
            << QUrl(u"http://127.0.0.1:5000/v2/_catalog?last=b&n=2"_s);
    QTest::newRow("absolute target")
            << R"(<https://r.example/v2/_catalog?last=x&n=100>; rel="next")"_ba << catalog
            << QUrl(u"https://r.example/v2/_catalog?last=x&n=100"_s);
    QTest::newRow("relative path")
            << R"(<tags/list?last=a>; rel="next")"_ba << QUrl(u"https://r.example/v2/app/x"_s)
            << QUrl(u"https://r.example/v2/app/tags/list?last=a"_s);
    // Harbor: prev and next in one header, spaces before the comma.
    QTest::newRow("harbor prev and next")
            << R"(</api/v2.0/projects/p/repositories?page=1&page_size=10>; rel="prev" , </api/v2.0/projects/p/repositories?page=3&page_size=10>; rel="next")"_ba
            << harbor
            << QUrl(u"https://harbor.example/api/v2.0/projects/p/repositories?page=3&page_size=10"_s);
    QTest::newRow("harbor prev only")
            << R"(</api/v2.0/projects/p/repositories?page=1&page_size=10>; rel="prev")"_ba << harbor
            << QUrl();
    QTest::newRow("rel list") << R"(</v2/_catalog?last=c>; rel="next last")"_ba << catalog
                              << QUrl(u"http://127.0.0.1:5000/v2/_catalog?last=c"_s);
    QTest::newRow("rel list next second")
            << R"(</v2/_catalog?last=c>; rel="prefetch  next")"_ba << catalog
            << QUrl(u"http://127.0.0.1:5000/v2/_catalog?last=c"_s);
    QTest::newRow("rel uppercase") << R"(</v2/_catalog?last=d>; REL="NEXT")"_ba << catalog
                                   << QUrl(u"http://127.0.0.1:5000/v2/_catalog?last=d"_s);
    QTest::newRow("unquoted rel") << "</v2/_catalog?last=e>; rel=next"_ba << catalog
                                  << QUrl(u"http://127.0.0.1:5000/v2/_catalog?last=e"_s);
    QTest::newRow("other params first")
            << R"(</v2/_catalog?last=f>; title="a, b; c"; type="application/json"; rel="next")"_ba
            << catalog << QUrl(u"http://127.0.0.1:5000/v2/_catalog?last=f"_s);
    QTest::newRow("no spaces") << R"(</a>;rel="prev",</b>;rel="next")"_ba << catalog
                               << QUrl(u"http://127.0.0.1:5000/b"_s);
    QTest::newRow("comma in target") << R"(</v2/x?last=a,b>; rel="next")"_ba << catalog
                                     << QUrl(u"http://127.0.0.1:5000/v2/x?last=a,b"_s);
    QTest::newRow("first next wins") << R"(</one>; rel="next", </two>; rel="next")"_ba << catalog
                                     << QUrl(u"http://127.0.0.1:5000/one"_s);
    QTest::newRow("nextish rel ignored")
            << R"(</v2/x>; rel="next-archive")"_ba << catalog << QUrl();
    QTest::newRow("param without value") << R"(</v2/x>; crossorigin; rel="next")"_ba << catalog
                                         << QUrl(u"http://127.0.0.1:5000/v2/x"_s);
    // Absent or malformed
    QTest::newRow("empty") << QByteArray() << catalog << QUrl();
    QTest::newRow("no rel") << "</v2/_catalog?last=b>"_ba << catalog << QUrl();
    QTest::newRow("missing angle brackets")
            << R"(/v2/_catalog?last=b; rel="next")"_ba << catalog << QUrl();
    QTest::newRow("unterminated target")
            << R"(</v2/_catalog?last=b; rel="next")"_ba << catalog << QUrl();
    QTest::newRow("junk then link") << R"(garbage; rel="next", </ok>; rel="next")"_ba << catalog
                                    << QUrl(u"http://127.0.0.1:5000/ok"_s);
    QTest::newRow("unterminated quote") << R"(</v2/x>; rel="next)"_ba << catalog << QUrl();
    QTest::newRow("empty target") << R"(<>; rel="next")"_ba << catalog << QUrl();
    // Only http(s) targets are followed.
    QTest::newRow("ftp scheme") << R"(<ftp://r.example/v2/_catalog>; rel="next")"_ba << catalog
                                << QUrl();
    QTest::newRow("file scheme") << R"(<file:///etc/passwd>; rel="next")"_ba << catalog << QUrl();
    QTest::newRow("javascript") << R"(<javascript:alert(1)>; rel="next")"_ba << catalog << QUrl();
}

void tst_LinkHeader::nextLink()
{
    QFETCH(QByteArray, header);
    QFETCH(QUrl, requestUrl);
    QFETCH(QUrl, expected);
    const QUrl next = Berth::nextLink(header, requestUrl);
    QCOMPARE(next, expected);
    QCOMPARE(next.isEmpty(), expected.isEmpty());
}

QTEST_GUILESS_MAIN(tst_LinkHeader)
#include "tst_linkheader.moc"
