#include "net/harbor/harborapi.h"
#include "net/harbor/harborauthenticator.h"
#include "net/harbor/harborjson.h"
#include "net/transport/requestscheduler.h"

#include <QFile>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;
using namespace Berth;

Q_DECLARE_METATYPE(Berth::ErrorCode)

namespace {

QByteArray sample(const QString &name)
{
    QFile file(QStringLiteral(BERTH_TEST_DATA) + u"/harbor/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(name));
    return file.readAll();
}

QDateTime utc(const QString &iso)
{
    return QDateTime::fromString(iso, Qt::ISODateWithMs).toUTC();
}

} // namespace

//! The JSON mapping of Harbor's API, against real Harbor 2.10 bodies and the swagger's shapes.
class tst_HarborResponses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void time_data();
    void time();
    void sampleArtifacts();
    void sampleTags();
    void sampleRepositories();
    void sampleProject();
    void scanOverview_data();
    void scanOverview();
    void references();
    void nullAndWrongShapes_data();
    void nullAndWrongShapes();
    void v1Tag();
    void version();
    void errors_data();
    void errors();
    void repositorySegmentIsDoubleEncodedOnTheWire();
    void robotBasicAuthKeepsDollar();
};

void tst_HarborResponses::time_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");

    QTest::newRow("go zero with millis") << u"0001-01-01T00:00:00.000Z"_s << QDateTime();
    QTest::newRow("go zero") << u"0001-01-01T00:00:00Z"_s << QDateTime();
    QTest::newRow("empty") << QString() << QDateTime();
    QTest::newRow("garbage") << u"yesterday"_s << QDateTime();
    QTest::newRow("millis") << u"2024-03-18T05:35:37.352Z"_s << utc(u"2024-03-18T05:35:37.352Z"_s);
    QTest::newRow("no fraction") << u"2024-03-18T05:35:37Z"_s << utc(u"2024-03-18T05:35:37Z"_s);
    QTest::newRow("offset") << u"2024-03-18T07:35:37+02:00"_s << utc(u"2024-03-18T05:35:37Z"_s);
}

void tst_HarborResponses::time()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const QDateTime parsed = parseHarborTime(QJsonValue(text));
    QCOMPARE(parsed.isValid(), expected.isValid());
    if (expected.isValid()) {
        QCOMPARE(parsed, expected);
        QCOMPARE(parsed.timeSpec(), Qt::UTC);
    }
}

void tst_HarborResponses::sampleArtifacts()
{
    // Given the artifact list of a real Harbor 2.10 (with_tag=true)
    const Result<QList<HarborArtifact>> artifacts
            = parseHarborArtifacts(sample(u"v2.10_list-artifacts.json"_s));
    QVERIFY2(artifacts.ok(), qPrintable(artifacts.error().message));
    QCOMPARE(artifacts->size(), 1);
    const HarborArtifact &a = artifacts->first();
    QCOMPARE(a.digest,
             u"sha256:b0d5a3b6022623b71f09b866a8d612d71118ff9de54c966db91d900c03b31bcc"_s);
    QCOMPARE(a.size, 280958537);
    QCOMPARE(a.type, u"IMAGE"_s);
    QCOMPARE(a.manifestMediaType, u"application/vnd.docker.distribution.manifest.v2+json"_s);
    QCOMPARE(a.mediaType, u"application/vnd.docker.container.image.v1+json"_s);
    QCOMPARE(a.pushed, utc(u"2024-03-18T05:35:37.352Z"_s));
    QCOMPARE(a.pulled, utc(u"2024-03-18T05:44:06.564Z"_s));
    QVERIFY(a.labels.isEmpty());     // null
    QVERIFY(a.references.isEmpty()); // null
    QVERIFY(!a.vulnerabilities.isValid());
    QCOMPARE(a.tags.size(), 1);

    // When mapped to the row extras of its tag
    const TagExtras extras = tagExtras(a, a.tags.first());
    // Then the tag's own times win, and the Go zero pull time is "never"
    QCOMPARE(extras.tag, u"v1"_s);
    QCOMPARE(extras.digest, a.digest);
    QCOMPARE(extras.pushed, utc(u"2024-03-18T05:35:37.488Z"_s));
    QVERIFY(!extras.pulled.isValid());
    QCOMPARE(extras.artifactPulled, a.pulled);
    QCOMPARE(extras.size, a.size);
    QVERIFY(extras.immutableKnown);
    QVERIFY(!extras.immutable);
    QVERIFY(extras.labelNames().isEmpty());
}

void tst_HarborResponses::sampleTags()
{
    const Result<QList<HarborTag>> tags
            = parseHarborTags(sample(u"v2.10_list-tags-of-artifact.json"_s));
    QVERIFY(tags.ok());
    QCOMPARE(tags->size(), 2);
    QCOMPARE(tags->at(0).name, u"v1.0.1"_s);
    QCOMPARE(tags->at(1).name, u"v1"_s);
    QCOMPARE(tags->at(0).pushed, utc(u"2024-03-22T10:30:44.210Z"_s));
    QVERIFY(!tags->at(0).pulled.isValid());
}

void tst_HarborResponses::sampleRepositories()
{
    const Result<QList<HarborRepository>> repositories
            = parseHarborRepositories(sample(u"v2.10_list-repositories.json"_s));
    QVERIFY(repositories.ok());
    QCOMPARE(repositories->size(), 2);
    QCOMPARE(repositories->at(0).name, u"app/nginx"_s);
    QCOMPARE(repositories->at(1).name, u"app/userlist"_s);
    QCOMPARE(repositories->at(1).projectId, 2);
}

void tst_HarborResponses::sampleProject()
{
    const Result<QList<HarborProject>> projects
            = parseHarborProjects("[" + sample(u"v2.10_get-project.json"_s) + "]");
    QVERIFY(projects.ok());
    QCOMPARE(projects->size(), 1);
    QCOMPARE(projects->first().name, u"app"_s);
    QCOMPARE(projects->first().id, 2);
    QVERIFY(!projects->first().isPublic); // metadata.public is the string "false"
    QVERIFY(!projects->first().proxyCache);
}

void tst_HarborResponses::scanOverview_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("status");
    QTest::addColumn<int>("total");
    QTest::addColumn<int>("critical");
    QTest::addColumn<QString>("text");

    // NativeReportSummary under its report MIME type, as the swagger's ScanOverview has it.
    QTest::newRow("map with summary")
            << R"({"application/vnd.security.vulnerability.report; version=1.1":
                  {"report_id":"r1","scan_status":"Success","severity":"Critical","duration":3,
                   "summary":{"total":12,"fixable":4,"summary":{"Critical":3,"High":4,"Low":5}}}})"_ba
            << u"Success"_s << 12 << 3 << u"12 (3 Critical, 4 High, 5 Low)"_s;
    QTest::newRow("clean") << R"({"m":{"scan_status":"Success","severity":"None",
                                 "summary":{"total":0,"fixable":0,"summary":{}}}})"_ba
                           << u"Success"_s << 0 << 0 << u"none"_s;
    QTest::newRow("running") << R"({"m":{"scan_status":"Running","complete_percent":40}})"_ba
                             << u"Running"_s << -1 << 0 << u"Running"_s;
    QTest::newRow("bare summary") << R"({"scan_status":"Error"})"_ba << u"Error"_s << -1 << 0
                                  << u"Error"_s;
    QTest::newRow("null") << "null"_ba << QString() << -1 << 0 << QString();
    QTest::newRow("empty map") << "{}"_ba << QString() << -1 << 0 << QString();
}

void tst_HarborResponses::scanOverview()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, status);
    QFETCH(int, total);
    QFETCH(int, critical);
    QFETCH(QString, text);
    const QByteArray artifact = R"({"digest":"sha256:aa","scan_overview":)" + json + "}";
    const Result<HarborArtifact> parsed = parseHarborArtifact(artifact);
    QVERIFY(parsed.ok());
    const VulnerabilitySummary summary = parsed->vulnerabilities;
    QCOMPARE(summary.scanStatus, status);
    QCOMPARE(summary.total, total);
    QCOMPARE(summary.bySeverity.value(u"Critical"_s), critical);
    QCOMPARE(summary.text(), text);
}

void tst_HarborResponses::references()
{
    // A multi-arch artifact: references[] (Reference/Platform of the swagger) and labels.
    const QByteArray body = R"([{"digest":"sha256:idx","type":"IMAGE","size":10,
        "manifest_media_type":"application/vnd.oci.image.index.v1+json",
        "references":[
          {"parent_id":1,"child_id":2,"child_digest":"sha256:c1",
           "platform":{"os":"linux","architecture":"amd64"}},
          {"parent_id":1,"child_id":3,"child_digest":"sha256:c2",
           "platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
          {"parent_id":1,"child_id":4,"child_digest":"sha256:c3"}],
        "labels":[{"id":1,"name":"release","color":"#00ff00","description":"shipped"}],
        "tags":null}])"_ba;
    const Result<QList<HarborArtifact>> artifacts = parseHarborArtifacts(body);
    QVERIFY(artifacts.ok());
    const HarborArtifact &a = artifacts->first();
    QCOMPARE(a.references.size(), 3);
    QCOMPARE(a.references.at(0), (HarborReference{u"sha256:c1"_s, u"linux/amd64"_s}));
    QCOMPARE(a.references.at(1).platform, u"linux/arm64/v8"_s);
    QCOMPARE(a.references.at(2).platform, QString());
    QCOMPARE(a.labels.size(), 1);
    QCOMPARE(a.labels.first().color, u"#00ff00"_s);
    QVERIFY(a.tags.isEmpty());
}

void tst_HarborResponses::nullAndWrongShapes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("count");

    QTest::newRow("null list") << "null"_ba << true << 0;
    QTest::newRow("empty list") << "[]"_ba << true << 0;
    QTest::newRow("object instead of list") << R"({"errors":[]})"_ba << false << 0;
    QTest::newRow("truncated") << R"([{"digest":"sha256:aa")"_ba << false << 0;
    QTest::newRow("non-objects skipped")
            << R"([1,"x",null,{"digest":"sha256:aa"}])"_ba << true << 1;
    QTest::newRow("no digest skipped") << R"([{"size":3}])"_ba << true << 0;
    QTest::newRow("wrong field types") << R"([{"digest":"sha256:aa","size":"big","tags":7,
                                           "labels":{},"push_time":5}])"_ba
                                       << true << 1;
}

void tst_HarborResponses::nullAndWrongShapes()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, ok);
    QFETCH(int, count);
    const Result<QList<HarborArtifact>> artifacts = parseHarborArtifacts(body);
    QCOMPARE(artifacts.ok(), ok);
    if (ok) {
        QCOMPARE(artifacts->size(), count);
    } else {
        QCOMPARE(artifacts.error().code, ErrorCode::BadResponse);
        QVERIFY(!artifacts.error().message.isEmpty());
    }
}

void tst_HarborResponses::v1Tag()
{
    // Harbor 1.10's DetailedTag, plus the push/pull times 1.8+ servers add.
    const QByteArray body = R"({"digest":"sha256:d1","name":"v2","size":1234,"architecture":"amd64",
        "os":"linux","created":"2020-01-01T00:00:00Z","push_time":"2020-02-02T10:00:00Z",
        "pull_time":"0001-01-01T00:00:00Z","signature":null,
        "labels":[{"id":3,"name":"qa","scope":"p"}],
        "scan_overview":{"application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0":
          {"scan_status":"Success","severity":"High","summary":{"total":2,"fixable":1,
           "summary":{"High":2}}}}})"_ba;
    const Result<TagExtras> extras = parseHarborV1Tag(body);
    QVERIFY(extras.ok());
    QCOMPARE(extras->tag, u"v2"_s);
    QCOMPARE(extras->digest, u"sha256:d1"_s);
    QCOMPARE(extras->size, 1234);
    QCOMPARE(extras->pushed, utc(u"2020-02-02T10:00:00Z"_s));
    QVERIFY(!extras->pulled.isValid());
    QCOMPARE(extras->labelNames(), QStringList{u"qa"_s});
    QCOMPARE(extras->vulnerabilities.text(), u"2 (2 High)"_s);
    QVERIFY(!parseHarborV1Tag("[]"_ba).ok());
    QVERIFY(!parseHarborV1Tag(R"({"digest":"sha256:d1"})"_ba).ok());
}

void tst_HarborResponses::version()
{
    QCOMPARE(
            parseHarborVersion(R"({"harbor_version":"v2.10.0-b2f2d0e4","auth_mode":"db_auth"})"_ba),
            u"v2.10.0-b2f2d0e4"_s);
    QCOMPARE(parseHarborVersion("not json"_ba), QString());
}

void tst_HarborResponses::errors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("contains");

    const auto body = [](const char *code, const char *message) -> QByteArray {
        return R"({"errors":[{"code":")"_ba + code + R"(","message":")"_ba + message + "\"}]}";
    };
    QTest::newRow("401") << 401 << body("UNAUTHORIZED", "unauthorized") << ErrorCode::Unauthorized
                         << u"did not accept the user name or password"_s;
    QTest::newRow("403 csrf")
            << 403 << body("FORBIDDEN", "CSRF token invalid") << ErrorCode::Forbidden
            << u"Harbor refused the write (CSRF): FORBIDDEN: CSRF token invalid"_s;
    QTest::newRow("403 permission") << 403 << body("FORBIDDEN", "forbidden") << ErrorCode::Forbidden
                                    << u"permission denied"_s;
    QTest::newRow("404") << 404 << body("NOT_FOUND", "artifact a/b:c not found")
                         << ErrorCode::NotFound << u"artifact a/b:c not found"_s;
    QTest::newRow("405 proxy cache")
            << 405 << body("METHOD_NOT_ALLOWED", "not allowed") << ErrorCode::Unsupported
            << u"proxy-cache projects are read-only"_s;
    QTest::newRow("409 exists") << 409 << body("CONFLICT", "tag v1 already exists")
                                << ErrorCode::Conflict << u"the tag already exists"_s;
    QTest::newRow("412 immutable")
            << 412 << body("PRECONDITION", "immutable") << ErrorCode::Forbidden
            << u"the tag is immutable (project rule)"_s;
    QTest::newRow("500 no body") << 500 << QByteArray() << ErrorCode::Server << u"500"_s;
}

void tst_HarborResponses::errors()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ErrorCode, code);
    QFETCH(QString, contains);
    Response response;
    response.status = status;
    response.body = body;
    const Error error = harborError(response, u"Tagging a/b:c"_s);
    QCOMPARE(error.code, code);
    QCOMPARE(error.httpStatus, status);
    QVERIFY2(error.message.startsWith(u"Tagging a/b:c: "_s), qPrintable(error.message));
    QVERIFY2(error.message.contains(contains), qPrintable(error.message));

    Response ok;
    ok.status = 201;
    QVERIFY(!harborError(ok, u"x"_s).isError());
}

void tst_HarborResponses::repositorySegmentIsDoubleEncodedOnTheWire()
{
    HarborApi v2(nullptr, HarborGeneration::V2);
    const QString path = v2.repositoryPath(u"proj/team/api"_s);
    QCOMPARE(path, u"/projects/proj/repositories/team%2Fapi"_s);
    QUrl url(u"http://127.0.0.1:1"_s);
    url.setPath(v2.root() + path + u"/artifacts"_s, QUrl::DecodedMode);
    QCOMPARE(url.toEncoded(),
             "http://127.0.0.1:1/api/v2.0/projects/proj/repositories/team%252Fapi/artifacts"_ba);
    QCOMPARE(v2.repositoryPath(u"noproject"_s), QString());

    HarborApi v1(nullptr, HarborGeneration::V1);
    QCOMPARE(v1.repositoryPath(u"proj/team/api"_s), u"/repositories/proj/team/api"_s);
}

void tst_HarborResponses::robotBasicAuthKeepsDollar()
{
    HarborAuthenticator auth;
    auth.setBaseUrl(QUrl(u"http://127.0.0.1:8080"_s));
    QVERIFY(auth.authorization(QUrl(u"http://127.0.0.1:8080/api/v2.0/projects"_s), {}).isEmpty());
    auth.setCredentials(Credentials{u"robot$proj+ci"_s, u"s3cret"_s, {}});
    const QByteArray header
            = auth.authorization(QUrl(u"http://127.0.0.1:8080/api/v2.0/projects"_s), {});
    QVERIFY(header.startsWith("Basic "));
    QCOMPARE(QByteArray::fromBase64(header.mid(6)), "robot$proj+ci:s3cret"_ba);
    // Never to another server.
    QVERIFY(auth.authorization(QUrl(u"http://127.0.0.2:8080/x"_s), {}).isEmpty());
    QVERIFY(auth.authorization(QUrl(u"http://127.0.0.1:9090/x"_s), {}).isEmpty());
}

QTEST_GUILESS_MAIN(tst_HarborResponses)
#include "tst_harborjson.moc"
