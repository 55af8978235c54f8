// HarborServer against plain QNetworkAccessManager calls: every path in both flavours, the
// field names of the swagger / the real 2.10 samples, paging headers, double encoding, the CSRF
// and wrong-password traps, the token flow and real n/last paging on /v2/.../tags/list, and a
// 100,000-tag repository.
#include "harborserver.h"
#include "httptestutil.h"
#include "imagebuilder.h"
#include "imageseeder.h"
#include "net/formats/mediatypes.h"
#include "registryprocess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSet>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Berth;
using namespace Berth::Test;

namespace {

QByteArray basic(const QString &user, const QString &password)
{
    return "Basic " + (user + u':' + password).toUtf8().toBase64();
}

QByteArray admin()
{
    return basic(QString(HarborServer::adminName), QString(HarborServer::adminPassword));
}

QSet<QString> keys(const QJsonObject &object)
{
    const QStringList list = object.keys();
    return QSet<QString>(list.cbegin(), list.cend());
}

ImageSpec smallImage(quint64 seed)
{
    ImageSpec spec;
    spec.seed = seed;
    spec.layers = 1;
    spec.layerBytes = 2 * 1024; // content does not matter here, only valid manifests
    spec.cmd = {u"run"_s};
    return spec;
}

// Keys of the real Harbor 2.10 bodies in /work/shared/reference/harbor-samples/.
const QSet<QString> sampleProjectKeys{u"creation_time"_s,
                                      u"current_user_role_id"_s,
                                      u"current_user_role_ids"_s,
                                      u"cve_allowlist"_s,
                                      u"metadata"_s,
                                      u"name"_s,
                                      u"owner_id"_s,
                                      u"owner_name"_s,
                                      u"project_id"_s,
                                      u"repo_count"_s,
                                      u"update_time"_s};
const QSet<QString> sampleRepositoryKeys{u"artifact_count"_s, u"creation_time"_s, u"id"_s,
                                         u"name"_s,           u"project_id"_s,    u"pull_count"_s,
                                         u"update_time"_s};
const QSet<QString> sampleArtifactKeys{u"accessories"_s, u"addition_links"_s,
                                       u"digest"_s,      u"extra_attrs"_s,
                                       u"icon"_s,        u"id"_s,
                                       u"labels"_s,      u"manifest_media_type"_s,
                                       u"media_type"_s,  u"project_id"_s,
                                       u"pull_time"_s,   u"push_time"_s,
                                       u"references"_s,  u"repository_id"_s,
                                       u"size"_s,        u"tags"_s,
                                       u"type"_s};
const QSet<QString> sampleTagKeys{u"artifact_id"_s, u"id"_s,        u"immutable"_s,    u"name"_s,
                                  u"pull_time"_s,   u"push_time"_s, u"repository_id"_s};
const QString goZeroTime = u"0001-01-01T00:00:00.000Z"_s;

} // namespace

class TestHarborServer : public QObject
{
    Q_OBJECT

private:
    HttpResult call(QByteArrayView verb, const QUrl &url, const QByteArray &authorization = {},
                    const QByteArray &body = {},
                    const QList<QPair<QByteArray, QByteArray>> &headers = {}, bool cookies = false)
    {
        QNetworkRequest request = makeRequest(url, authorization);
        // Cookies only where a test asks for them: a stored sid is the CSRF trap.
        if (!cookies) {
            request.setAttribute(QNetworkRequest::CookieLoadControlAttribute,
                                 QNetworkRequest::Manual);
            request.setAttribute(QNetworkRequest::CookieSaveControlAttribute,
                                 QNetworkRequest::Manual);
        }
        if (!body.isEmpty() || verb == "POST")
            request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        return httpRequest(m_nam, verb, request, body);
    }
    HttpResult v2(QByteArrayView verb, const QString &pathAndQuery,
                  const QByteArray &authorization = admin(), const QByteArray &body = {})
    {
        return call(verb, m_v2->url(u"/api/v2.0"_s + pathAndQuery), authorization, body);
    }
    HttpResult v1(QByteArrayView verb, const QString &pathAndQuery,
                  const QByteArray &authorization = admin(), const QByteArray &body = {})
    {
        return call(verb, m_v1->url(u"/api"_s + pathAndQuery), authorization, body);
    }
    QByteArray token(HarborServer *server, const QString &scope, const QByteArray &authorization)
    {
        const HttpResult r
                = call("GET",
                       server->url(u"/service/token?service=harbor-registry&scope="_s
                                   + QString::fromLatin1(QUrl::toPercentEncoding(scope))),
                       authorization);
        return "Bearer "
               + QJsonDocument::fromJson(r.body).object().value(u"token"_s).toString().toLatin1();
    }

    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<HarborServer> m_v2;
    std::unique_ptr<HarborServer> m_v1;
    QNetworkAccessManager m_nam;
    SeededImage m_hello;
    SeededImage m_index;

private Q_SLOTS:
    void initTestCase()
    {
        if (!RegistryProcess::available())
            QSKIP(qPrintable(RegistryProcess::unavailableReason()));
        prepareNam(m_nam);
        m_registry = std::make_unique<RegistryProcess>();
        QString error;
        QVERIFY2(m_registry->start(&error), qPrintable(error));

        // Given: images pushed straight into the registry, as Harbor's registry would hold them.
        ImageSeeder seeder(m_registry->host());
        const auto hello
                = seeder.seedImage(u"library/hello"_s, smallImage(1), {u"v1"_s, u"latest"_s});
        QVERIFY2(hello, qPrintable(hello.error().message));
        m_hello = *hello;
        IndexSpec indexSpec;
        ImageSpec arm = smallImage(3);
        arm.architecture = u"arm64"_s;
        arm.variant = u"v8"_s;
        indexSpec.platforms = {smallImage(2), arm};
        const auto index = seeder.seedIndex(u"library/team/app"_s, indexSpec, {u"multi"_s});
        QVERIFY2(index, qPrintable(index.error().message));
        m_index = *index;
        QVERIFY(seeder.seedImage(u"private/secret"_s, smallImage(4), {u"1.0"_s}));
        QVERIFY(seeder.seedImage(u"cache/mirror"_s, smallImage(5), {u"1.0"_s}));

        for (auto *server : {&m_v2, &m_v1}) {
            *server = std::make_unique<HarborServer>(m_registry.get(),
                                                     server == &m_v2 ? HarborServer::Flavour::V2
                                                                     : HarborServer::Flavour::V1);
            QVERIFY2((*server)->start(&error), qPrintable(error));
            (*server)->createProject(u"library"_s, true);
            (*server)->createProject(u"private"_s, false);
            (*server)->createProject(u"cache"_s, true, true);
            (*server)->addUser(u"reader"_s, u"reader-secret"_s, false);
            (*server)->addRobot(u"robot$ci"_s, u"robot-secret"_s);
            QVERIFY2((*server)->importFromRegistry(&error), qPrintable(error));
            (*server)->addImmutableRule(u"library"_s, u"**"_s, u"release-*"_s);
        }
    }

    // ---- 2.x -----------------------------------------------------------------------------

    void v2VersionAndSystemInfo()
    {
        const HttpResult version = call("GET", m_v2->url(u"/api/version"_s));
        QCOMPARE(version.status, 200);
        QCOMPARE(QJsonDocument::fromJson(version.body).object().value(u"version"_s).toString(),
                 u"v2.0"_s);
        const HttpResult info = v2("GET", u"/systeminfo"_s, {});
        QCOMPARE(info.status, 200);
        QVERIFY(QJsonDocument::fromJson(info.body)
                        .object()
                        .value(u"harbor_version"_s)
                        .toString()
                        .startsWith(u"v2."));
    }

    void v2CurrentUserAndWrongPassword()
    {
        QCOMPARE(v2("GET", u"/users/current"_s).status, 200);
        QCOMPARE(QJsonDocument::fromJson(v2("GET", u"/users/current"_s).body)
                         .object()
                         .value(u"username"_s)
                         .toString(),
                 u"admin"_s);
        const QByteArray wrong = basic(u"admin"_s, u"not-the-password"_s);
        // The trap: a wrong password is anonymous. users/current says so ...
        QCOMPARE(v2("GET", u"/users/current"_s, wrong).status, 401);
        QCOMPARE(v2("GET", u"/users/current"_s, {}).status, 401);
        QCOMPARE(v2("GET", u"/users/current"_s, basic(u"robot$ci"_s, u"robot-secret"_s)).status,
                 412);
        // ... while public reads succeed and show public projects only.
        const HttpResult projects = v2("GET", u"/projects"_s, wrong);
        QCOMPARE(projects.status, 200);
        QStringList names;
        for (const QJsonValue &p : QJsonDocument::fromJson(projects.body).array())
            names.append(p.toObject().value(u"name"_s).toString());
        QVERIFY(names.contains(u"library"_s));
        QVERIFY(!names.contains(u"private"_s));
        QCOMPARE(v2("GET", u"/projects/private/repositories"_s, wrong).status, 401);
        QCOMPARE(v2("GET", u"/projects/private/repositories"_s).status, 200);
        QCOMPARE(v2("GET", u"/projects/nowhere/repositories"_s, {}).status, 401);
        QCOMPARE(v2("GET", u"/projects/nowhere/repositories"_s).status, 404);
    }

    void v2ProjectsPaging()
    {
        for (int i = 0; i < 25; ++i)
            m_v2->createProject(u"bulk-%1"_s.arg(i, 2, 10, QChar(u'0')), true);
        const HttpResult page = v2("GET", u"/projects?page=2&page_size=10&name=bulk"_s);
        QCOMPARE(page.status, 200);
        QCOMPARE(page.header("X-Total-Count"), "25"_ba);
        QCOMPARE(page.header("Link"),
                 "</api/v2.0/projects?name=bulk&page=1&page_size=10>; rel=\"prev\" , "
                 "</api/v2.0/projects?name=bulk&page=3&page_size=10>; rel=\"next\""_ba);
        const QJsonArray array = QJsonDocument::fromJson(page.body).array();
        QCOMPARE(array.size(), 10);
        QCOMPARE(array.first().toObject().value(u"name"_s).toString(), u"bulk-10"_s);
        QCOMPARE(keys(array.first().toObject()), sampleProjectKeys);
        const HttpResult last = v2("GET", u"/projects?page=3&page_size=10&q=name%3D~bulk"_s);
        QCOMPARE(QJsonDocument::fromJson(last.body).array().size(), 5);
        QCOMPARE(last.header("Link"),
                 "</api/v2.0/projects?page=2&page_size=10&q=name=~bulk>; rel=\"prev\""_ba);
        const HttpResult tooBig = v2("GET", u"/projects?page_size=101"_s);
        QCOMPARE(tooBig.status, 422);
        QVERIFY(tooBig.body.contains("page_size in query should be less than or equal to 100"));
    }

    void v2ProjectByNameOrId()
    {
        const HttpResult byName = v2("GET", u"/projects/library"_s);
        QCOMPARE(byName.status, 200);
        const QJsonObject project = QJsonDocument::fromJson(byName.body).object();
        QCOMPARE(keys(project), sampleProjectKeys);
        QCOMPARE(project.value(u"metadata"_s).toObject().value(u"public"_s).toString(), u"true"_s);
        const qint64 id = project.value(u"project_id"_s).toInteger();
        const HttpResult byId = v2("GET", u"/projects/%1"_s.arg(id));
        QCOMPARE(QJsonDocument::fromJson(byId.body).object().value(u"name"_s).toString(),
                 u"library"_s);
        // Given a project named like a number, X-Is-Resource-Name forces the name.
        m_v2->createProject(QString::number(id + 1000), true);
        const HttpResult asName = call("GET", m_v2->url(u"/api/v2.0/projects/%1"_s.arg(id + 1000)),
                                       admin(), {}, {{"X-Is-Resource-Name", "true"}});
        QCOMPARE(asName.status, 200);
        QCOMPARE(v2("GET", u"/projects/%1"_s.arg(id + 1000)).status, 404);
        QCOMPARE(v2("GET", u"/projects/private"_s, {}).status, 401);
    }

    void v2RepositoriesAndDoubleEncoding()
    {
        const HttpResult list = v2("GET", u"/projects/library/repositories?page_size=1"_s);
        QCOMPARE(list.status, 200);
        QCOMPARE(list.header("X-Total-Count"), "2"_ba);
        QVERIFY(list.header("Link").contains("rel=\"next\""));
        QCOMPARE(keys(QJsonDocument::fromJson(list.body).array().first().toObject()),
                 sampleRepositoryKeys);
        const HttpResult filtered = v2("GET", u"/projects/library/repositories?q=name%3D~team"_s);
        const QJsonArray repos = QJsonDocument::fromJson(filtered.body).array();
        QCOMPARE(repos.size(), 1);
        QCOMPARE(repos.first().toObject().value(u"name"_s).toString(), u"library/team/app"_s);
        // Index children are not listed: one artifact.
        QCOMPARE(repos.first().toObject().value(u"artifact_count"_s).toInt(), 1);

        QCOMPARE(HarborServer::encodeRepository(u"team/app"_s), u"team%252Fapp"_s);
        QCOMPARE(v2("GET", u"/projects/library/repositories/team%252Fapp"_s).status, 200);
        QCOMPARE(v2("GET", u"/projects/library/repositories/team%2Fapp"_s).status, 404);
        QCOMPARE(v2("GET", u"/projects/library/repositories/team%2Fapp/artifacts"_s).status, 404);
        QCOMPARE(v2("GET", u"/projects/library/repositories/team%252Fapp/artifacts"_s).status, 200);
        QCOMPARE(m_v2->pathCount(
                         u"/api/v2.0/projects/library/repositories/team%252Fapp/artifacts"_s),
                 1);
    }

    void v2Artifacts()
    {
        // Given: "latest" pushed after "v1".
        const QDateTime base = QDateTime::currentDateTimeUtc().addDays(-1);
        QVERIFY(m_v2->setTagTimes(u"library"_s, u"hello"_s, u"v1"_s, base));
        QVERIFY(m_v2->setTagTimes(u"library"_s, u"hello"_s, u"latest"_s, base.addSecs(60)));
        const HttpResult list
                = v2("GET", u"/projects/library/repositories/hello/artifacts?with_tag=true"_s);
        QCOMPARE(list.status, 200);
        QCOMPARE(list.header("X-Total-Count"), "1"_ba);
        const QJsonObject artifact = QJsonDocument::fromJson(list.body).array().first().toObject();
        QCOMPARE(keys(artifact), sampleArtifactKeys);
        QCOMPARE(artifact.value(u"digest"_s).toString(), m_hello.digest);
        QCOMPARE(artifact.value(u"type"_s).toString(), u"IMAGE"_s);
        QCOMPARE(artifact.value(u"media_type"_s).toString(), m_hello.config.mediaType);
        QCOMPARE(artifact.value(u"manifest_media_type"_s).toString(), m_hello.mediaType);
        QCOMPARE(artifact.value(u"size"_s).toInteger(), m_hello.manifest.size() + m_hello.size);
        QVERIFY(artifact.value(u"labels"_s).isNull());
        QVERIFY(artifact.value(u"references"_s).isNull());
        QVERIFY(artifact.value(u"accessories"_s).isNull());
        QCOMPARE(artifact.value(u"pull_time"_s).toString(), goZeroTime);
        QCOMPARE(artifact.value(u"extra_attrs"_s).toObject().value(u"architecture"_s).toString(),
                 u"amd64"_s);
        const QJsonArray tags = artifact.value(u"tags"_s).toArray();
        QCOMPARE(tags.size(), 2);
        QCOMPARE(keys(tags.first().toObject()), sampleTagKeys);
        QCOMPARE(tags.first().toObject().value(u"name"_s).toString(),
                 u"latest"_s); // newest push first

        const HttpResult noTags
                = v2("GET", u"/projects/library/repositories/hello/artifacts?with_tag=false"_s);
        QVERIFY(QJsonDocument::fromJson(noTags.body)
                        .array()
                        .first()
                        .toObject()
                        .value(u"tags"_s)
                        .isNull());

        const HttpResult index
                = v2("GET", u"/projects/library/repositories/team%252Fapp/artifacts/multi"_s);
        QCOMPARE(index.status, 200);
        const QJsonObject indexArtifact = QJsonDocument::fromJson(index.body).object();
        QCOMPARE(indexArtifact.value(u"digest"_s).toString(), m_index.digest);
        const QJsonArray references = indexArtifact.value(u"references"_s).toArray();
        QCOMPARE(references.size(), 2);
        const QJsonObject platform = references.at(1).toObject().value(u"platform"_s).toObject();
        QCOMPARE(platform.value(u"architecture"_s).toString(), u"arm64"_s);
        QCOMPARE(platform.value(u"variant"_s).toString(), u"v8"_s);
        QCOMPARE(references.at(1).toObject().value(u"child_digest"_s).toString(),
                 m_index.platforms.at(1).digest);
        QCOMPARE(v2("GET", u"/projects/library/repositories/team%252Fapp/artifacts/%1"_s.arg(
                                   m_index.digest))
                         .status,
                 200);
        QCOMPARE(v2("GET", u"/projects/library/repositories/hello/artifacts/nope"_s).status, 404);

        // Labels and scan overview only when asked for.
        const qint64 label = m_v2->createLabel(u"prod"_s);
        QVERIFY(m_v2->attachLabel(u"library"_s, u"hello"_s, u"v1"_s, label));
        HarborScanOverview scan;
        scan.severity = u"High"_s;
        scan.total = 3;
        scan.fixable = 1;
        scan.summary = {{u"High"_s, 1}, {u"Low"_s, 2}};
        QVERIFY(m_v2->setScanOverview(u"library"_s, u"hello"_s, u"v1"_s, scan));
        const HttpResult rich = v2(
                "GET",
                u"/projects/library/repositories/hello/artifacts/v1?with_label=true&with_scan_overview=true"_s);
        const QJsonObject richArtifact = QJsonDocument::fromJson(rich.body).object();
        QCOMPARE(richArtifact.value(u"labels"_s)
                         .toArray()
                         .first()
                         .toObject()
                         .value(u"name"_s)
                         .toString(),
                 u"prod"_s);
        const QJsonObject overview
                = richArtifact.value(u"scan_overview"_s)
                          .toObject()
                          .value(u"application/vnd.security.vulnerability.report; version=1.1"_s)
                          .toObject();
        QCOMPARE(overview.value(u"severity"_s).toString(), u"High"_s);
        QCOMPARE(overview.value(u"summary"_s).toObject().value(u"total"_s).toInt(), 3);
        QVERIFY(!QJsonDocument::fromJson(
                         v2("GET", u"/projects/library/repositories/hello/artifacts/v1"_s).body)
                         .object()
                         .contains(u"scan_overview"_s));
        // q on tags.
        QCOMPARE(v2("GET", u"/projects/library/repositories/hello/artifacts?q=tags%3D~lat"_s)
                         .header("X-Total-Count"),
                 "1"_ba);
        QCOMPARE(v2("GET", u"/projects/library/repositories/hello/artifacts?q=tags%3Dlat"_s)
                         .header("X-Total-Count"),
                 "0"_ba);
    }

    void v2TagActions()
    {
        const QString tags = u"/projects/library/repositories/hello/artifacts/v1/tags"_s;
        QCOMPARE(v2("POST", tags, admin(), R"({"name":"added"})"_ba).status, 201);
        const HttpResult conflict = v2("POST", tags, admin(), R"({"name":"added"})"_ba);
        QCOMPARE(conflict.status, 409);
        QCOMPARE(QJsonDocument::fromJson(conflict.body)
                         .object()
                         .value(u"errors"_s)
                         .toArray()
                         .first()
                         .toObject()
                         .value(u"code"_s)
                         .toString(),
                 u"CONFLICT"_s);
        QCOMPARE(v2("POST", tags, admin(), R"({"name":"release-1"})"_ba).status, 201);
        QCOMPARE(v2("POST", tags, admin(), R"({"name":"release-1"})"_ba).status, 412); // immutable
        QCOMPARE(v2("DELETE", tags + u"/release-1"_s).status, 412);
        QCOMPARE(v2("POST", tags, basic(u"reader"_s, u"reader-secret"_s), R"({"name":"x"})"_ba)
                         .status,
                 403);
        QCOMPARE(v2("POST", tags, {}, R"({"name":"x"})"_ba).status, 401);
        QCOMPARE(v2("POST", tags, admin(), R"({"name":"-bad"})"_ba).status, 400);
        QCOMPARE(v2("POST", u"/projects/cache/repositories/mirror/artifacts/1.0/tags"_s, admin(),
                    R"({"name":"x"})"_ba)
                         .status,
                 405);
        // The tag is in memory only, yet pulls through /v2/ like a pushed one.
        const QByteArray bearer = token(m_v2.get(), u"repository:library/hello:pull"_s, admin());
        const HttpResult manifest
                = call("GET", m_v2->url(u"/v2/library/hello/manifests/added"_s), bearer, {},
                       {{"Accept", MediaType::manifestAcceptHeader()}});
        QCOMPARE(manifest.status, 200);
        QCOMPARE(manifest.header("Docker-Content-Digest"), m_hello.digest.toLatin1());
        QCOMPARE(manifest.body, m_hello.manifest);
        const HttpResult head = call("HEAD", m_v2->url(u"/v2/library/hello/manifests/added"_s),
                                     bearer, {}, {{"Accept", MediaType::manifestAcceptHeader()}});
        QCOMPARE(head.status, 200);
        QCOMPARE(head.header("Content-Length").toLongLong(), m_hello.manifest.size());
        // A pull sets the pull time of the artifact and of the tag (Go zero time before).
        const QJsonObject pulled
                = QJsonDocument::fromJson(
                          v2("GET", u"/projects/library/repositories/hello/artifacts/added"_s).body)
                          .object();
        QVERIFY(pulled.value(u"pull_time"_s).toString() != goZeroTime);
        const QJsonArray pulledTags = pulled.value(u"tags"_s).toArray();
        const auto added
                = std::find_if(pulledTags.begin(), pulledTags.end(), [](const QJsonValue &t) {
                      return t.toObject().value(u"name"_s).toString() == u"added";
                  });
        QVERIFY(added != pulledTags.end());
        QVERIFY((*added).toObject().value(u"pull_time"_s).toString() != goZeroTime);
        QCOMPARE(v2("DELETE", tags + u"/added"_s).status, 200);
        QCOMPARE(v2("DELETE", tags + u"/added"_s).status, 404);
    }

    void v2TagsPaging()
    {
        QStringList names;
        for (int i = 0; i < 25; ++i)
            names.append(u"p-%1"_s.arg(i, 2, 10, QChar(u'0')));
        QCOMPARE(m_v2->addTags(u"library"_s, u"hello"_s, m_hello.digest, names), 25);
        const QString path
                = u"/projects/library/repositories/hello/artifacts/%1/tags"_s.arg(m_hello.digest);
        const HttpResult first = v2("GET", path + u"?page=1&page_size=10&q=name%3D~p-&sort=name"_s);
        QCOMPARE(first.status, 200);
        QCOMPARE(first.header("X-Total-Count"), "25"_ba);
        QCOMPARE(first.header("Link"),
                 ("</api/v2.0" + path.toUtf8()
                  + "?page=2&page_size=10&q=name=~p-&sort=name>; rel=\"next\""));
        QCOMPARE(QJsonDocument::fromJson(first.body)
                         .array()
                         .first()
                         .toObject()
                         .value(u"name"_s)
                         .toString(),
                 u"p-00"_s);
        const HttpResult newest = v2("GET", path + u"?page_size=1&sort=-push_time"_s);
        QCOMPARE(QJsonDocument::fromJson(newest.body)
                         .array()
                         .first()
                         .toObject()
                         .value(u"name"_s)
                         .toString(),
                 u"p-24"_s);
        const HttpResult immutable
                = v2("GET", path + u"?q=name%3Drelease-1&with_immutable_status=true"_s);
        QVERIFY(QJsonDocument::fromJson(immutable.body)
                        .array()
                        .first()
                        .toObject()
                        .value(u"immutable"_s)
                        .toBool());
    }

    void v2CopyAndDelete()
    {
        const QString target = u"/projects/private/repositories/copied/artifacts"_s;
        const HttpResult copy = v2("POST", target + u"?from=library/hello:v1"_s);
        QCOMPARE(copy.status, 201);
        QCOMPARE(copy.header("Location"),
                 "/api/v2.0/projects/private/repositories/copied/artifacts/v1"_ba);
        const HttpResult copied
                = v2("GET", u"/projects/private/repositories/copied/artifacts/v1"_s);
        QCOMPARE(QJsonDocument::fromJson(copied.body).object().value(u"digest"_s).toString(),
                 m_hello.digest);
        // The bytes really are in the target repository of the registry.
        const QByteArray bearer = token(m_v2.get(), u"repository:private/copied:pull"_s, admin());
        QCOMPARE(call("GET", m_v2->url(u"/v2/private/copied/blobs/%1"_s.arg(m_hello.config.digest)),
                      bearer)
                         .status,
                 200);

        QCOMPARE(v2("POST", target + u"?from=library/hello"_s).status, 400);
        QCOMPARE(v2("POST", target + u"?from=library/hello:missing"_s).status, 404);
        QCOMPARE(v2("POST", u"/projects/cache/repositories/x/artifacts?from=library/hello:v1"_s)
                         .status,
                 405);

        QCOMPARE(v2("DELETE", u"/projects/private/repositories/copied/artifacts/v1"_s).status, 200);
        QCOMPARE(v2("GET", u"/projects/private/repositories/copied/artifacts/v1"_s).status, 404);
        // An artifact with an immutable tag cannot go.
        QCOMPARE(v2("DELETE", u"/projects/library/repositories/hello/artifacts/v1"_s).status, 412);
    }

    void v2CsrfTrap()
    {
        QNetworkAccessManager withJar;
        prepareNam(withJar);
        const auto request = [&](QByteArrayView verb, const QString &path, const QByteArray &body,
                                 const QByteArray &csrf) {
            QNetworkRequest r = makeRequest(m_v2->url(u"/api/v2.0"_s + path), admin());
            r.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
            if (!csrf.isEmpty())
                r.setRawHeader("X-Harbor-CSRF-Token", csrf);
            return httpRequest(withJar, verb, r, body);
        };
        // Given: a GET whose sid cookie lands in the jar.
        const HttpResult get = request("GET", u"/projects/library"_s, {}, {});
        QVERIFY(get.header("Set-Cookie").startsWith("sid="));
        // When: a write goes out with that cookie, it fails as on a real Harbor.
        const QString tags = u"/projects/library/repositories/hello/artifacts/v1/tags"_s;
        const HttpResult refused = request("POST", tags, R"({"name":"csrf"})"_ba, {});
        QCOMPARE(refused.status, 403);
        QVERIFY(refused.body.contains("CSRF token invalid"));
        QCOMPARE(m_v2->csrfRejections(), 1);
        QVERIFY(m_v2->lastRequestHeader("Cookie").startsWith("sid="));
        // The right token passes; without the cookie no token is needed.
        QCOMPARE(request("POST", tags, R"({"name":"csrf"})"_ba, m_v2->csrfToken()).status, 201);
        QCOMPARE(v2("DELETE", tags + u"/csrf"_s).status, 200);
        QVERIFY(m_v2->lastRequestHeader("Cookie").isEmpty());
    }

    void registryTokenFlow_data()
    {
        QTest::addColumn<bool>("v1");
        QTest::newRow("2.x") << false;
        QTest::newRow("1.x") << true;
    }
    void registryTokenFlow()
    {
        QFETCH(bool, v1);
        HarborServer *server = v1 ? m_v1.get() : m_v2.get();
        const HttpResult ping = call("GET", server->url(u"/v2/"_s));
        QCOMPARE(ping.status, 401);
        QHash<QString, QString> challenge = challengeParams(ping.header("WWW-Authenticate"));
        QVERIFY(ping.header("WWW-Authenticate").startsWith("Bearer "));
        QCOMPARE(challenge.value(u"realm"_s), server->tokenRealm().toString());
        QCOMPARE(challenge.value(u"service"_s), u"harbor-registry"_s);

        const HttpResult denied = call("GET", server->url(u"/v2/library/hello/tags/list"_s));
        QCOMPARE(challengeParams(denied.header("WWW-Authenticate")).value(u"scope"_s),
                 u"repository:library/hello:pull"_s);
        // Anonymous (or wrong password) tokens read public projects only.
        const QByteArray anonymous
                = token(server, u"repository:library/hello:pull"_s, basic(u"admin"_s, u"wrong"_s));
        QCOMPARE(call("GET", server->url(u"/v2/library/hello/tags/list"_s), anonymous).status, 200);
        const QByteArray anonymousPrivate = token(server, u"repository:private/secret:pull"_s, {});
        const HttpResult insufficient
                = call("GET", server->url(u"/v2/private/secret/tags/list"_s), anonymousPrivate);
        QCOMPARE(insufficient.status, 401);
        QCOMPARE(challengeParams(insufficient.header("WWW-Authenticate")).value(u"error"_s),
                 u"insufficient_scope"_s);
        QCOMPARE(call("GET", server->url(u"/service/token?service=harbor-registry"_s)).status, 401);
        QCOMPARE(
                call("GET", server->url(u"/service/token?service=other&scope=x"_s), admin()).status,
                400);

        // Real n/last paging on tags/list, from memory.
        QStringList names;
        for (int i = 0; i < 7; ++i)
            names.append(u"page-%1"_s.arg(i));
        QVERIFY(server->addTags(u"private"_s, u"secret"_s,
                                server->findArtifact(u"private"_s, u"secret"_s, u"1.0"_s)->digest,
                                names)
                == 7);
        const QByteArray bearer = token(server, u"repository:private/secret:pull"_s, admin());
        QStringList seen;
        QString next = u"/v2/private/secret/tags/list?n=3"_s;
        int pages = 0;
        while (!next.isEmpty()) {
            const HttpResult page = call("GET", server->url(next), bearer);
            QCOMPARE(page.status, 200);
            for (const QJsonValue &tag :
                 QJsonDocument::fromJson(page.body).object().value(u"tags"_s).toArray())
                seen.append(tag.toString());
            const QByteArray link = page.header("Link");
            next = link.isEmpty() ? QString()
                                  : QString::fromUtf8(link.mid(1, link.indexOf('>') - 1));
            if (pages == 0)
                QCOMPARE(link, "</v2/private/secret/tags/list?last=page-1&n=3>; rel=\"next\""_ba);
            ++pages;
        }
        QCOMPARE(pages, 3);
        QStringList expected = names;
        expected.append(u"1.0"_s);
        std::sort(expected.begin(), expected.end());
        QCOMPARE(seen, expected);

        // Catalog: sysadmin tokens only.
        const QByteArray catalog = token(server, u"registry:catalog:*"_s, admin());
        const HttpResult repositories = call("GET", server->url(u"/v2/_catalog?n=2"_s), catalog);
        QCOMPARE(repositories.status, 200);
        QCOMPARE(QJsonDocument::fromJson(repositories.body)
                         .object()
                         .value(u"repositories"_s)
                         .toArray()
                         .size(),
                 2);
        QVERIFY(repositories.header("Link").contains("rel=\"next\""));
        const QByteArray readerCatalog
                = token(server, u"registry:catalog:*"_s, basic(u"reader"_s, u"reader-secret"_s));
        QCOMPARE(call("GET", server->url(u"/v2/_catalog"_s), readerCatalog).status, 401);
        QVERIFY(server->tokenRequests() > 0);
    }

    void bigRepository()
    {
        // Given: 100,000 tags on one artifact, in memory only.
        QString error;
        const auto seeded = ImageSeeder(m_registry->host())
                                    .seedImage(u"library/big"_s, smallImage(9), {u"seed"_s});
        QVERIFY(seeded);
        QVERIFY2(m_v2->importRepository(u"library/big"_s, &error), qPrintable(error));
        QStringList names;
        names.reserve(100000);
        for (int i = 0; i < 100000; ++i)
            names.append(u"t-%1"_s.arg(i, 6, 10, QChar(u'0')));
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(m_v2->addTags(u"library"_s, u"big"_s, seeded->digest, names), 100000);
        const qint64 addMs = timer.restart();
        // When: the first page is asked for, newest first.
        const HttpResult page = v2(
                "GET",
                u"/projects/library/repositories/big/artifacts/%1/tags?page=1&page_size=100&sort=-push_time"_s
                        .arg(seeded->digest));
        const qint64 pageMs = timer.restart();
        QCOMPARE(page.status, 200);
        QCOMPARE(page.header("X-Total-Count"), "100001"_ba);
        const QJsonArray tags = QJsonDocument::fromJson(page.body).array();
        QCOMPARE(tags.size(), 100);
        QCOMPARE(tags.first().toObject().value(u"name"_s).toString(), u"t-099999"_s);
        const QByteArray bearer = token(m_v2.get(), u"repository:library/big:pull"_s, admin());
        const HttpResult registryPage
                = call("GET", m_v2->url(u"/v2/library/big/tags/list?n=100"_s), bearer);
        const qint64 registryMs = timer.restart();
        QCOMPARE(QJsonDocument::fromJson(registryPage.body)
                         .object()
                         .value(u"tags"_s)
                         .toArray()
                         .size(),
                 100);
        const HttpResult artifacts
                = v2("GET", u"/projects/library/repositories/big/artifacts?with_tag=false"_s);
        QCOMPARE(QJsonDocument::fromJson(artifacts.body).array().size(), 1);
        qInfo("100,000 tags: addTags %lld ms, first API page %lld ms, first tags/list page %lld ms",
              addMs, pageMs, registryMs);
        // Generous bounds: the point is "one page, not a crawl" on a loaded 2-core machine.
        QVERIFY(pageMs < 5000);
        QVERIFY(registryMs < 5000);
    }

    void latencyAndCounters()
    {
        m_v2->resetCounters();
        m_v2->setLatencyMs(150);
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(v2("GET", u"/systeminfo"_s).status, 200);
        QVERIFY(timer.elapsed() >= 150);
        m_v2->setLatencyMs(0);
        QCOMPARE(m_v2->requestCount(), 1);
        QCOMPARE(m_v2->pathCount(u"/api/v2.0/systeminfo"_s), 1);
        QCOMPARE(m_v2->lastMethod(), "GET"_ba);
    }

    // ---- 1.x -----------------------------------------------------------------------------

    void v1SystemInfoAndUser()
    {
        const HttpResult info = v1("GET", u"/systeminfo"_s, {});
        QCOMPARE(info.status, 200);
        QVERIFY(QJsonDocument::fromJson(info.body)
                        .object()
                        .value(u"harbor_version"_s)
                        .toString()
                        .startsWith(u"v1.10."));
        QCOMPARE(call("GET", m_v1->url(u"/api/version"_s)).status, 404);
        QCOMPARE(call("GET", m_v1->url(u"/api/v2.0/systeminfo"_s)).status, 404);
        QCOMPARE(v1("GET", u"/users/current"_s, {}).status, 401);
        QCOMPARE(v1("GET", u"/users/current"_s, basic(u"admin"_s, u"wrong"_s)).status, 401);
        const HttpResult user = v1("GET", u"/users/current"_s);
        QCOMPARE(QJsonDocument::fromJson(user.body).object().value(u"username"_s).toString(),
                 u"admin"_s);
    }

    void v1ProjectsAndRepositories()
    {
        for (int i = 0; i < 5; ++i)
            m_v1->createProject(u"bulk-%1"_s.arg(i), true);
        const HttpResult page = v1("GET", u"/projects?name=bulk&page=2&page_size=2"_s);
        QCOMPARE(page.status, 200);
        QCOMPARE(page.header("X-Total-Count"), "5"_ba);
        QCOMPARE(page.header("Link"),
                 "</api/projects?name=bulk&page=1&page_size=2>; rel=\"prev\", "
                 "</api/projects?name=bulk&page=3&page_size=2>; rel=\"next\""_ba);
        const QJsonObject project = QJsonDocument::fromJson(page.body).array().first().toObject();
        QVERIFY(project.contains(u"cve_whitelist"_s));
        // 1.x clamps page_size to 500 instead of refusing it.
        QCOMPARE(v1("GET", u"/projects?page_size=1000"_s).status, 200);
        QCOMPARE(v1("GET", u"/projects?page=0"_s).status, 400);

        const qint64 library = m_v1->store().project(u"library"_s)->id;
        const HttpResult repos = v1(
                "GET", u"/repositories?project_id=%1&q=team&page=1&page_size=10"_s.arg(library));
        QCOMPARE(repos.status, 200);
        const QJsonArray array = QJsonDocument::fromJson(repos.body).array();
        QCOMPARE(array.size(), 1);
        QCOMPARE(array.first().toObject().value(u"name"_s).toString(), u"library/team/app"_s);
        QCOMPARE(array.first().toObject().value(u"tags_count"_s).toInt(), 1);
        const qint64 secret = m_v1->store().project(u"private"_s)->id;
        QCOMPARE(v1("GET", u"/repositories?project_id=%1"_s.arg(secret), {}).status, 401);
        QCOMPARE(v1("GET", u"/repositories"_s).status, 400);
    }

    void v1Tags()
    {
        m_v1->resetCounters();
        const HttpResult detail = v1("GET", u"/repositories/library/hello/tags/v1"_s);
        QCOMPARE(detail.status, 200);
        const QJsonObject tag = QJsonDocument::fromJson(detail.body).object();
        for (const QString &key :
             {u"digest"_s, u"name"_s, u"size"_s, u"architecture"_s, u"os"_s, u"created"_s,
              u"docker_version"_s, u"labels"_s, u"push_time"_s, u"pull_time"_s})
            QVERIFY2(tag.contains(key), qPrintable(key));
        QCOMPARE(tag.value(u"digest"_s).toString(), m_hello.digest);
        QCOMPARE(tag.value(u"pull_time"_s).toString(), u"0001-01-01T00:00:00Z"_s);
        // Names are raw in 1.x paths; a single-encoded slash works too.
        QCOMPARE(v1("GET", u"/repositories/library%2Fteam%2Fapp/tags/multi"_s).status, 200);
        QCOMPARE(m_v1->allTagsCalls(), 0);
        const HttpResult all = v1("GET", u"/repositories/library/hello/tags"_s);
        QCOMPARE(QJsonDocument::fromJson(all.body).array().size(), 2);
        QCOMPARE(m_v1->allTagsCalls(), 1);

        // Retag: 200, 409 without override, 200 with it, 412 onto an immutable tag.
        const QString retag = u"/repositories/library/hello/tags"_s;
        QCOMPARE(v1("POST", retag, admin(),
                    R"({"tag":"v2","src_image":"library/hello:v1","override":false})"_ba)
                         .status,
                 200);
        QCOMPARE(v1("POST", retag, admin(),
                    R"({"tag":"v2","src_image":"library/hello:v1","override":false})"_ba)
                         .status,
                 409);
        QCOMPARE(v1("POST", retag, admin(),
                    R"({"tag":"v2","src_image":"library/hello:v1","override":true})"_ba)
                         .status,
                 200);
        QCOMPARE(v1("POST", retag, admin(),
                    R"({"tag":"release-2","src_image":"library/hello:v1"})"_ba)
                         .status,
                 200);
        QCOMPARE(v1("POST", retag, admin(),
                    R"({"tag":"release-2","src_image":"library/hello:v1","override":true})"_ba)
                         .status,
                 412);
        QCOMPARE(v1("POST", retag, admin(), R"({"tag":"x","src_image":"library/hello:missing"})"_ba)
                         .status,
                 404);
        QCOMPARE(v1("POST", retag, {}, R"({"tag":"x","src_image":"library/hello:v1"})"_ba).status,
                 401);
        // Across repositories the image is copied in the registry.
        QCOMPARE(v1("POST", u"/repositories/private/moved/tags"_s, admin(),
                    R"({"tag":"v1","src_image":"library/hello:v1"})"_ba)
                         .status,
                 200);
        QCOMPARE(v1("GET", u"/repositories/private/moved/tags/v1"_s).status, 200);

        QCOMPARE(v1("DELETE", u"/repositories/library/hello/tags/v2"_s).status, 200);
        QCOMPARE(v1("DELETE", u"/repositories/library/hello/tags/v2"_s).status, 404);
        QCOMPARE(v1("DELETE", u"/repositories/library/hello/tags/release-2"_s).status, 412);
        const HttpResult error = v1("GET", u"/repositories/library/hello/tags/nope"_s);
        QCOMPARE(error.status, 404);
        QCOMPARE(QJsonDocument::fromJson(error.body).object().value(u"code"_s).toInt(), 404);
    }
};

QTEST_GUILESS_MAIN(TestHarborServer)
#include "tst_harborserver.moc"
