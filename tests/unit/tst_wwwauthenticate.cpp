#include "net/auth/wwwauthenticate.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

using Params = QHash<QString, QString>;
struct Expected
{
    QString scheme;
    Params params;
};
Q_DECLARE_METATYPE(Expected)
using ExpectedList = QList<Expected>;

class tst_WwwAuthenticate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void paramLookup();
};

void tst_WwwAuthenticate::parse_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<ExpectedList>("expected");

    // Distribution / Docker Hub token auth (docker/token-auth-registry-2.8.md)
    QTest::newRow("distribution bearer")
            << R"(Bearer realm="https://auth.example/token",service="registry",scope="repository:team-a/api:pull,push")"_ba
            << ExpectedList{{u"bearer"_s,
                             {{u"realm"_s, u"https://auth.example/token"_s},
                              {u"service"_s, u"registry"_s},
                              {u"scope"_s, u"repository:team-a/api:pull,push"_s}}}};
    QTest::newRow("bearer with error")
            << R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push",error="insufficient_scope")"_ba
            << ExpectedList{{u"bearer"_s,
                             {{u"realm"_s, u"https://auth.docker.io/token"_s},
                              {u"service"_s, u"registry.docker.io"_s},
                              {u"scope"_s, u"repository:samalba/my-app:pull,push"_s},
                              {u"error"_s, u"insufficient_scope"_s}}}};
    QTest::newRow("bearer invalid_token")
            << R"(Bearer error="invalid_token", error_description="The access token expired")"_ba
            << ExpectedList{{u"bearer"_s,
                             {{u"error"_s, u"invalid_token"_s},
                              {u"error_description"_s, u"The access token expired"_s}}}};
    QTest::newRow("basic realm") << R"(Basic realm="Registry Realm")"_ba
                                 << ExpectedList{{u"basic"_s, {{u"realm"_s, u"Registry Realm"_s}}}};
    QTest::newRow("basic charset")
            << R"(Basic realm="simple", charset="UTF-8")"_ba
            << ExpectedList{{u"basic"_s, {{u"realm"_s, u"simple"_s}, {u"charset"_s, u"UTF-8"_s}}}};
    QTest::newRow("scheme alone") << "Negotiate"_ba << ExpectedList{{u"negotiate"_s, {}}};
    // RFC 7235 section 4.1's example: two challenges in one header.
    QTest::newRow("rfc 7235 example")
            << R"(Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple")"_ba
            << ExpectedList{{u"newauth"_s,
                             {{u"realm"_s, u"apps"_s},
                              {u"type"_s, u"1"_s},
                              {u"title"_s, u"Login to \"apps\""_s}}},
                            {u"basic"_s, {{u"realm"_s, u"simple"_s}}}};
    QTest::newRow("bearer then basic")
            << R"(Bearer realm="https://a/t",service="s", Basic realm="b")"_ba
            << ExpectedList{{u"bearer"_s, {{u"realm"_s, u"https://a/t"_s}, {u"service"_s, u"s"_s}}},
                            {u"basic"_s, {{u"realm"_s, u"b"_s}}}};
    QTest::newRow("schemes without params")
            << "Negotiate, NTLM"_ba << ExpectedList{{u"negotiate"_s, {}}, {u"ntlm"_s, {}}};
    QTest::newRow("token68") << "Negotiate a87421000492aa874209af8bc028=="_ba
                             << ExpectedList{{u"negotiate"_s,
                                              {{QString(), u"a87421000492aa874209af8bc028=="_s}}}};
    QTest::newRow("token68 then challenge")
            << "Negotiate abc, Basic realm=x"_ba
            << ExpectedList{{u"negotiate"_s, {{QString(), u"abc"_s}}},
                            {u"basic"_s, {{u"realm"_s, u"x"_s}}}};
    // Case and whitespace
    QTest::newRow("case insensitive")
            << R"(BEARER REALM="https://a/t", Service=reg)"_ba
            << ExpectedList{
                       {u"bearer"_s, {{u"realm"_s, u"https://a/t"_s}, {u"service"_s, u"reg"_s}}}};
    QTest::newRow("values keep case")
            << R"(Bearer realm="https://A/Token")"_ba
            << ExpectedList{{u"bearer"_s, {{u"realm"_s, u"https://A/Token"_s}}}};
    QTest::newRow("bad whitespace")
            << "  Bearer   realm = \"r\" ,\tservice\t=\ts  "_ba
            << ExpectedList{{u"bearer"_s, {{u"realm"_s, u"r"_s}, {u"service"_s, u"s"_s}}}};
    QTest::newRow("unquoted token values")
            << "Bearer realm=https://a/t,service=reg"_ba
            << ExpectedList{
                       {u"bearer"_s, {{u"realm"_s, u"https://a/t"_s}, {u"service"_s, u"reg"_s}}}};
    QTest::newRow("escaped backslash") << R"(Basic realm="a\\b\"c")"_ba
                                       << ExpectedList{{u"basic"_s, {{u"realm"_s, u"a\\b\"c"_s}}}};
    QTest::newRow("empty quoted value")
            << R"(Bearer realm="",service="s")"_ba
            << ExpectedList{{u"bearer"_s, {{u"realm"_s, QString()}, {u"service"_s, u"s"_s}}}};
    QTest::newRow("duplicate param keeps first")
            << R"(Bearer realm="a", realm="b")"_ba
            << ExpectedList{{u"bearer"_s, {{u"realm"_s, u"a"_s}}}};
    QTest::newRow("extra commas") << R"(,, Bearer realm="a",,, service="s" ,)"_ba
                                  << ExpectedList{{u"bearer"_s,
                                                   {{u"realm"_s, u"a"_s}, {u"service"_s, u"s"_s}}}};
    QTest::newRow("utf8 value") << "Basic realm=\"caf\xc3\xa9\""_ba
                                << ExpectedList{{u"basic"_s, {{u"realm"_s, u"caf\u00e9"_s}}}};
    QTest::newRow("utf8 unquoted value")
            << "Basic realm=caf\xc3\xa9"_ba
            << ExpectedList{{u"basic"_s, {{u"realm"_s, u"caf\u00e9"_s}}}};
    // Malformed input: junk skipped, the rest still read
    QTest::newRow("empty") << QByteArray() << ExpectedList{};
    QTest::newRow("only spaces and commas") << " , ,  "_ba << ExpectedList{};
    QTest::newRow("junk before challenge") << R"(=== "x", Bearer realm="r")"_ba
                                           << ExpectedList{{u"bearer"_s, {{u"realm"_s, u"r"_s}}}};
    QTest::newRow("param without value skipped")
            << R"(Bearer realm="r", service=, scope="x")"_ba
            << ExpectedList{{u"bearer"_s, {{u"realm"_s, u"r"_s}, {u"scope"_s, u"x"_s}}}};
    // RFC 7235's grammar makes "name=" right after the scheme a token68 (base64 padding).
    QTest::newRow("ambiguous token68") << R"(Bearer realm=, service="s")"_ba
                                       << ExpectedList{{u"bearer"_s, {{QString(), u"realm="_s}}}};
    QTest::newRow("junk after value skipped")
            << R"(Bearer realm="r" junk, service="s")"_ba
            << ExpectedList{{u"bearer"_s, {{u"service"_s, u"s"_s}}}};
    QTest::newRow("unterminated quote")
            << R"(Bearer realm="https://a/t, service=s)"_ba << ExpectedList{{u"bearer"_s, {}}};
    QTest::newRow("junk inside params")
            << R"(Bearer realm="r", @@@, service="s")"_ba
            << ExpectedList{{u"bearer"_s, {{u"realm"_s, u"r"_s}, {u"service"_s, u"s"_s}}}};
    QTest::newRow("quote only") << "\""_ba << ExpectedList{};
    QTest::newRow("trailing backslash")
            << "Basic realm=\"abc\\"_ba << ExpectedList{{u"basic"_s, {}}};
    QTest::newRow("nul byte") << QByteArray("Basic\0realm=x", 13) << ExpectedList{};
}

void tst_WwwAuthenticate::parse()
{
    QFETCH(QByteArray, header);
    QFETCH(ExpectedList, expected);

    const QList<AuthChallenge> challenges = parseWwwAuthenticate(header);
    QCOMPARE(challenges.size(), expected.size());
    for (qsizetype i = 0; i < challenges.size(); ++i) {
        QCOMPARE(challenges.at(i).scheme, expected.at(i).scheme);
        QCOMPARE(challenges.at(i).params, expected.at(i).params);
    }
}

void tst_WwwAuthenticate::paramLookup()
{
    const QList<AuthChallenge> challenges = parseWwwAuthenticate(
            R"(Bearer Realm="https://auth.example/token",SERVICE="registry")"_ba);
    QCOMPARE(challenges.size(), 1);
    QCOMPARE(challenges.first().param(u"realm"_s), u"https://auth.example/token"_s);
    QCOMPARE(challenges.first().param(u"service"_s), u"registry"_s);
    QVERIFY(challenges.first().param(u"scope"_s).isEmpty());
}

QTEST_GUILESS_MAIN(tst_WwwAuthenticate)
#include "tst_wwwauthenticate.moc"
