#include "net/formats/registryerrorbody.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

Q_DECLARE_METATYPE(Berth::ErrorCode)

class tst_RegistryErrorBody : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void message_data();
    void message();
    void code_data();
    void code();
    void sanitisedAndCapped();
    void httpError_data();
    void httpError();
};

void tst_RegistryErrorBody::message_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected");

    QTest::newRow("distribution manifest unknown")
            << R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"v9"}}]})"_ba
            << uR"(MANIFEST_UNKNOWN: manifest unknown ({"Tag":"v9"}))"_s;
    QTest::newRow("detail null")
            << R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":null}]})"_ba
            << u"NAME_UNKNOWN: repository name not known to registry"_s;
    QTest::newRow("detail string")
            << R"({"errors":[{"code":"DENIED","message":"requested access to the resource is denied","detail":"team-a/api"}]})"_ba
            << u"DENIED: requested access to the resource is denied (team-a/api)"_s;
    QTest::newRow("detail array of scopes")
            << R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository","Name":"a","Action":"pull"}]}]})"_ba
            << uR"(UNAUTHORIZED: authentication required ([{"Action":"pull","Name":"a","Type":"repository"}]))"_s;
    QTest::newRow("long detail omitted")
            << (R"({"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":")"_ba
                + QByteArray(500, 'x') + R"("}]})"_ba)
            << u"MANIFEST_INVALID: manifest invalid"_s;
    QTest::newRow("empty detail object")
            << R"({"errors":[{"code":"X","message":"y","detail":{}}]})"_ba << u"X: y"_s;
    QTest::newRow("harbor")
            << R"({"errors":[{"code":"NOT_FOUND","message":"project library not found"}]})"_ba
            << u"NOT_FOUND: project library not found"_s;
    QTest::newRow("two errors")
            << R"({"errors":[{"code":"A","message":"one"},{"code":"B","message":"two"}]})"_ba
            << u"A: one; B: two"_s;
    QTest::newRow("code only") << R"({"errors":[{"code":"UNSUPPORTED"}]})"_ba << u"UNSUPPORTED"_s;
    QTest::newRow("message only") << R"({"errors":[{"message":"boom"}]})"_ba << u"boom"_s;
    QTest::newRow("number detail")
            << R"({"errors":[{"code":"C","message":"m","detail":42}]})"_ba << u"C: m (42)"_s;
    // Not such a document
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("html") << "<html><body>502 Bad Gateway</body></html>"_ba << QString();
    QTest::newRow("no errors key") << R"({"message":"x"})"_ba << QString();
    QTest::newRow("errors not array") << R"({"errors":"x"})"_ba << QString();
    QTest::newRow("errors empty") << R"({"errors":[]})"_ba << QString();
    QTest::newRow("entries not objects") << R"({"errors":[1,"a",null]})"_ba << QString();
    QTest::newRow("array body") << R"([{"code":"A"}])"_ba << QString();
}

void tst_RegistryErrorBody::message()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    QCOMPARE(registryErrorMessage(body), expected);
}

void tst_RegistryErrorBody::code_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected");
    QTest::newRow("first") << R"({"errors":[{"code":"MANIFEST_UNKNOWN"},{"code":"B"}]})"_ba
                           << u"MANIFEST_UNKNOWN"_s;
    QTest::newRow("skips entries without code")
            << R"({"errors":[{"message":"x"},{"code":"B"}]})"_ba << u"B"_s;
    QTest::newRow("none") << R"({"errors":[]})"_ba << QString();
    QTest::newRow("garbage") << "}{"_ba << QString();
}

void tst_RegistryErrorBody::code()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    QCOMPARE(registryErrorCode(body), expected);
}

void tst_RegistryErrorBody::sanitisedAndCapped()
{
    // Control characters (terminal escapes, NUL) are made visible; line breaks become spaces.
    const QByteArray hostile
            = R"({"errors":[{"code":"X","message":"a\u001b[31mred\u0000\nnext\tline"}]})"_ba;
    const QString message = registryErrorMessage(hostile);
    QCOMPARE(message, u"X: a\\x1b[31mred\\x00 next line"_s);
    for (QChar c : message)
        QVERIFY(c.category() != QChar::Other_Control);

    const QByteArray longBody
            = R"({"errors":[{"code":"X","message":")"_ba + QByteArray(5000, 'm') + R"("}]})"_ba;
    const QString capped = registryErrorMessage(longBody);
    QCOMPARE(capped.size(), 300);
    QVERIFY(capped.startsWith(u"X: mmm"_s));
}

void tst_RegistryErrorBody::httpError_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("message");
    const QByteArray unknown
            = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})"_ba;
    QTest::newRow("400") << 400 << QByteArray() << ErrorCode::Http << u"HTTP 400 Bad Request"_s;
    QTest::newRow("401") << 401 << QByteArray() << ErrorCode::Unauthorized
                         << u"HTTP 401 Unauthorized"_s;
    QTest::newRow("403") << 403 << QByteArray() << ErrorCode::Forbidden << u"HTTP 403 Forbidden"_s;
    QTest::newRow("404 body") << 404 << unknown << ErrorCode::NotFound
                              << u"MANIFEST_UNKNOWN: manifest unknown"_s;
    QTest::newRow("405") << 405 << QByteArray() << ErrorCode::Http
                         << u"HTTP 405 Method Not Allowed"_s;
    QTest::newRow("409") << 409 << QByteArray() << ErrorCode::Conflict << u"HTTP 409 Conflict"_s;
    QTest::newRow("429") << 429 << QByteArray() << ErrorCode::TooManyRequests
                         << u"HTTP 429 Too Many Requests"_s;
    QTest::newRow("500") << 500 << QByteArray() << ErrorCode::Server
                         << u"HTTP 500 Internal Server Error"_s;
    QTest::newRow("503 html") << 503 << "<html>down</html>"_ba << ErrorCode::Server
                              << u"HTTP 503 Service Unavailable"_s;
    QTest::newRow("599") << 599 << QByteArray() << ErrorCode::Server << u"HTTP 599"_s;
    QTest::newRow("418") << 418 << QByteArray() << ErrorCode::Http << u"HTTP 418"_s;
}

void tst_RegistryErrorBody::httpError()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ErrorCode, code);
    QFETCH(QString, message);
    const Error error = Berth::httpError(status, body);
    QCOMPARE(error.code, code);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.message, message);
    QVERIFY(error.isError());
    QCOMPARE(error.isTransient(), code == ErrorCode::Server || code == ErrorCode::TooManyRequests);
    QVERIFY(error.toString().endsWith(message));
}

QTEST_GUILESS_MAIN(tst_RegistryErrorBody)
#include "tst_registryerrorbody.moc"
