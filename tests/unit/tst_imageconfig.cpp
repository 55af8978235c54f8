#include "net/formats/imageconfig.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

namespace {

QByteArray testData(const QString &name)
{
    QFile file(QStringLiteral(BERTH_TEST_DATA) + u'/' + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(name));
    return file.readAll();
}

QDateTime utc(int y, int mo, int d, int h, int mi, int s, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC);
}

} // namespace

class tst_ImageConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfc3339_data();
    void rfc3339();
    void ociExample();
    void dockerNulls();
    void hostile_data();
    void hostile();
};

void tst_ImageConfig::rfc3339_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    QTest::newRow("Z") << u"2024-03-01T12:34:56Z"_s << utc(2024, 3, 1, 12, 34, 56);
    QTest::newRow("nanoseconds") << u"2015-10-31T22:22:56.015925234Z"_s
                                 << utc(2015, 10, 31, 22, 22, 56, 15);
    QTest::newRow("one digit fraction")
            << u"2015-10-31T22:22:56.5Z"_s << utc(2015, 10, 31, 22, 22, 56, 500);
    QTest::newRow("two digit fraction")
            << u"2015-10-31T22:22:56.25Z"_s << utc(2015, 10, 31, 22, 22, 56, 250);
    QTest::newRow("positive offset") << u"2024-03-01T12:00:00+02:00"_s << utc(2024, 3, 1, 10, 0, 0);
    QTest::newRow("negative offset") << u"2024-03-01T22:30:00-05:30"_s << utc(2024, 3, 2, 4, 0, 0);
    QTest::newRow("offset and fraction")
            << u"2024-03-01T00:00:00.123456+00:00"_s << utc(2024, 3, 1, 0, 0, 0, 123);
    QTest::newRow("lowercase t z") << u"2024-03-01t12:34:56z"_s << utc(2024, 3, 1, 12, 34, 56);
    QTest::newRow("epoch") << u"1970-01-01T00:00:00Z"_s << utc(1970, 1, 1, 0, 0, 0);
    QTest::newRow("year 9999") << u"9999-12-31T23:59:59Z"_s << utc(9999, 12, 31, 23, 59, 59);
    QTest::newRow("leap day") << u"2024-02-29T00:00:00Z"_s << utc(2024, 2, 29, 0, 0, 0);
    // Invalid
    QTest::newRow("go zero time") << u"0001-01-01T00:00:00Z"_s << QDateTime();
    QTest::newRow("before 1970") << u"1969-12-31T23:59:59Z"_s << QDateTime();
    QTest::newRow("five digit year") << u"10000-01-01T00:00:00Z"_s << QDateTime();
    QTest::newRow("no zone") << u"2024-03-01T12:34:56"_s << QDateTime();
    QTest::newRow("ten fraction digits") << u"2024-03-01T12:34:56.1234567890Z"_s << QDateTime();
    QTest::newRow("empty fraction") << u"2024-03-01T12:34:56.Z"_s << QDateTime();
    QTest::newRow("month 13") << u"2024-13-01T00:00:00Z"_s << QDateTime();
    QTest::newRow("feb 30") << u"2024-02-30T00:00:00Z"_s << QDateTime();
    QTest::newRow("hour 24") << u"2024-03-01T24:00:00Z"_s << QDateTime();
    QTest::newRow("offset hour 24") << u"2024-03-01T00:00:00+24:00"_s << QDateTime();
    QTest::newRow("date only") << u"2024-03-01"_s << QDateTime();
    QTest::newRow("empty") << QString() << QDateTime();
    QTest::newRow("garbage") << u"yesterday"_s << QDateTime();
}

void tst_ImageConfig::rfc3339()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const QDateTime parsed = parseRfc3339(text);
    QCOMPARE(parsed.isValid(), expected.isValid());
    if (expected.isValid()) {
        QCOMPARE(parsed, expected);
        QCOMPARE(parsed.timeSpec(), Qt::UTC);
    }
}

void tst_ImageConfig::ociExample()
{
    const Result<ImageConfig> config = parseImageConfig(testData(u"oci-config.json"_s));
    QVERIFY2(config.ok(), qPrintable(config.error().toString()));
    QCOMPARE(config->created, utc(2015, 10, 31, 22, 22, 56, 15));
    QCOMPARE(config->author, u"Alyssa P. Hacker <alyspdev@example.com>"_s);
    QCOMPARE(config->os, u"linux"_s);
    QCOMPARE(config->architecture, u"amd64"_s);
    QVERIFY(config->variant.isEmpty());
    QCOMPARE(config->user, u"alice"_s);
    QCOMPARE(config->workingDir, u"/home/alice"_s);
    QCOMPARE(config->entrypoint, QStringList{u"/bin/my-app-binary"_s});
    QCOMPARE(config->cmd,
             (QStringList{u"--foreground"_s, u"--config"_s, u"/etc/my-app.d/default.cfg"_s}));
    QCOMPARE(config->env.size(), 3);
    QCOMPARE(config->env.at(1), u"FOO=oci_is_a"_s);
    QCOMPARE(config->exposedPorts, QStringList{u"8080/tcp"_s});
    QCOMPARE(config->volumes, (QStringList{u"/var/job-result-data"_s, u"/var/log/my-app-logs"_s}));
    QCOMPARE(config->labels.value(u"com.example.project.git.commit"_s),
             u"45a939b2999782a3f005621a8d0f29aa387e1d6b"_s);
    QCOMPARE(config->history.size(), 3);
    QCOMPARE(config->history.at(1).createdBy, u"/bin/sh -c #(nop) CMD [\"sh\"]"_s);
    QVERIFY(config->history.at(1).emptyLayer);
    QVERIFY(!config->history.at(0).emptyLayer);
    QCOMPARE(config->history.at(2).created, utc(2015, 10, 31, 22, 22, 56, 329));
}

void tst_ImageConfig::dockerNulls()
{
    // Docker writes nulls for empty lists and maps, and Go's zero time for unknown dates.
    const QByteArray body = R"({"architecture":"arm64","variant":"v8","os":"linux",
        "created":"0001-01-01T00:00:00Z",
        "config":{"Env":null,"Cmd":"/bin/sh","Entrypoint":null,"Labels":null,"ExposedPorts":null,
                  "Volumes":null,"User":""},
        "history":[{"created":"2024-01-01T00:00:00Z","created_by":"x","comment":"buildkit.dockerfile.v0"}]})"_ba;
    const Result<ImageConfig> config = parseImageConfig(body);
    QVERIFY2(config.ok(), qPrintable(config.error().toString()));
    QVERIFY(!config->created.isValid());
    QCOMPARE(config->variant, u"v8"_s);
    QVERIFY(config->env.isEmpty());
    QCOMPARE(config->cmd, QStringList{u"/bin/sh"_s});
    QVERIFY(config->labels.isEmpty());
    QCOMPARE(config->history.first().comment, u"buildkit.dockerfile.v0"_s);
    // An empty object is a valid (if useless) config.
    QVERIFY(parseImageConfig("{}"_ba).ok());
}

void tst_ImageConfig::hostile_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("code");
    const int bad = int(ErrorCode::BadResponse);
    QTest::newRow("empty") << QByteArray() << bad;
    QTest::newRow("not json") << "not json"_ba << bad;
    QTest::newRow("array") << "[]"_ba << bad;
    QTest::newRow("os number") << R"({"os":1})"_ba << bad;
    QTest::newRow("config string") << R"({"config":"x"})"_ba << bad;
    QTest::newRow("env number") << R"({"config":{"Env":5}})"_ba << bad;
    QTest::newRow("env mixed") << R"({"config":{"Env":["A=1",2]}})"_ba << bad;
    QTest::newRow("label value object") << R"({"config":{"Labels":{"a":{}}}})"_ba << bad;
    QTest::newRow("history object") << R"({"history":{}})"_ba << bad;
    QTest::newRow("empty_layer string") << R"({"history":[{"empty_layer":"yes"}]})"_ba << bad;
    QTest::newRow("too large") << QByteArray(MaxConfigBytes + 1, ' ') << int(ErrorCode::TooLarge);
}

void tst_ImageConfig::hostile()
{
    QFETCH(QByteArray, body);
    QFETCH(int, code);
    const Result<ImageConfig> config = parseImageConfig(body);
    QVERIFY(!config.ok());
    QCOMPARE(int(config.error().code), code);
    QVERIFY(!config.error().message.isEmpty());
}

QTEST_GUILESS_MAIN(tst_ImageConfig)
#include "tst_imageconfig.moc"
