// The built `berth` binary against the Harbor API test server, 2.x and 1.x: repos, tags (with
// server-side sort and filter on 2.x), inspect, retag and rm, detected without --kind; the
// anonymous listing of a public project; a wrong password is exit 1 with a clear message that
// never holds the password. Each flavour has repositories of its own, so writes in one never
// change what the other lists.

#include "berthprocess.h"
#include "harborserver.h"
#include "imageseeder.h"
#include "registryprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

using Run = BerthRun;

ImageSpec smallImage(quint64 seed)
{
    ImageSpec spec;
    spec.seed = seed;
    spec.layers = 1;
    spec.layerBytes = 1024; // only valid manifests matter here
    return spec;
}

QStringList lines(const QByteArray &out)
{
    return QString::fromUtf8(out).split(u'\n', Qt::SkipEmptyParts);
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

} // namespace

Q_DECLARE_METATYPE(HarborServer::Flavour)

class TestCliHarbor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void detectsAndListsRepositories_data() { flavours(); }
    void detectsAndListsRepositories();
    void anonymousListsPublicProject_data() { flavours(); }
    void anonymousListsPublicProject();
    void tagsSortAndFilter_data() { flavours(); }
    void tagsSortAndFilter();
    void inspect_data() { flavours(); }
    void inspect();
    void retag_data() { flavours(); }
    void retag();
    void rm_data() { flavours(); }
    void rm();
    void wrongPassword_data() { flavours(); }
    void wrongPassword();

private:
    static void flavours()
    {
        QTest::addColumn<HarborServer::Flavour>("flavour");
        QTest::newRow("2.x") << HarborServer::Flavour::V2;
        QTest::newRow("1.x") << HarborServer::Flavour::V1;
    }
    static QString suffix(HarborServer::Flavour flavour)
    {
        return flavour == HarborServer::Flavour::V2 ? u"v2"_s : u"v1"_s;
    }
    HarborServer *server(HarborServer::Flavour flavour) const
    {
        return flavour == HarborServer::Flavour::V2 ? m_v2.get() : m_v1.get();
    }
    //! berth with the admin's password on stdin (unless anonymous), plain http, no --kind.
    Run berth(const QStringList &arguments, bool anonymous = false,
              const QByteArray &password
              = QByteArray(HarborServer::adminPassword.data(), HarborServer::adminPassword.size()));

    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<HarborServer> m_v2;
    std::unique_ptr<HarborServer> m_v1;
    QTemporaryDir m_home;
};

Run TestCliHarbor::berth(const QStringList &arguments, bool anonymous, const QByteArray &password)
{
    QStringList all = arguments.mid(0, 1) + QStringList{u"--plain-http"_s};
    if (!anonymous)
        all += {u"--username"_s, QString(HarborServer::adminName), u"--password-stdin"_s};
    all += arguments.mid(1);
    return runBerth(QStringLiteral(BERTH_BINARY), all, anonymous ? QByteArray() : password + '\n',
                    QDir(m_home.path()));
}

void TestCliHarbor::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(QFile::exists(QStringLiteral(BERTH_BINARY)));
    QVERIFY(m_home.isValid());
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));

    // Given per flavour: library/app-<f> with three images (1.0, 2.0 + latest, 3.0-rc),
    // library/scratch-<f> for rm, and a private project.
    ImageSeeder seeder(m_registry->host());
    for (const QString &f : {u"v2"_s, u"v1"_s}) {
        const quint64 base = f == u"v2" ? 10 : 20;
        QVERIFY(seeder.seedImage(u"library/app-"_s + f, smallImage(base + 1), {u"1.0"_s}));
        QVERIFY(seeder.seedImage(u"library/app-"_s + f, smallImage(base + 2),
                                 {u"2.0"_s, u"latest"_s}));
        QVERIFY(seeder.seedImage(u"library/app-"_s + f, smallImage(base + 3), {u"3.0-rc"_s}));
        QVERIFY(seeder.seedImage(u"library/scratch-"_s + f, smallImage(base + 4),
                                 {u"keep"_s, u"gone"_s}));
        QVERIFY(seeder.seedImage(u"library/scratch-"_s + f, smallImage(base + 5), {u"other"_s}));
        QVERIFY(seeder.seedImage(u"private/secret-"_s + f, smallImage(base + 6), {u"1"_s}));
    }
    for (auto *harbor : {&m_v2, &m_v1}) {
        const auto flavour
                = harbor == &m_v2 ? HarborServer::Flavour::V2 : HarborServer::Flavour::V1;
        *harbor = std::make_unique<HarborServer>(m_registry.get(), flavour);
        QVERIFY2((*harbor)->start(&error), qPrintable(error));
        (*harbor)->createProject(u"library"_s, true);
        (*harbor)->createProject(u"private"_s, false);
        QVERIFY2((*harbor)->importFromRegistry(&error), qPrintable(error));
    }
}

void TestCliHarbor::detectsAndListsRepositories()
{
    QFETCH(HarborServer::Flavour, flavour);
    HarborServer *harbor = server(flavour);
    // When: no --kind; Berth finds out it is Harbor (its repository listing is Harbor's API:
    // the registry's _catalog would need a sysadmin token and has no project filter).
    harbor->resetCounters();
    const Run all = berth({u"repos"_s, harbor->host()});
    QVERIFY2(all.code == 0, all.err.constData());
    QVERIFY(all.err.isEmpty());
    const QStringList names = lines(all.out);
    QVERIFY(names.contains(u"library/app-"_s + suffix(flavour)));
    QVERIFY(names.contains(u"private/secret-"_s + suffix(flavour)));
    QCOMPARE(harbor->pathCount(u"/v2/_catalog"_s), 0);
    QVERIFY(harbor->pathCount(harbor->apiPrefix() + u"/projects"_s) > 0);

    const Run library = berth({u"repos"_s, u"--json"_s, harbor->host() + u"/library/app"_s});
    QCOMPARE(library.code, 0);
    QStringList listed;
    for (const QJsonValue &value : QJsonDocument::fromJson(library.out).array())
        listed.append(value.toString());
    QCOMPARE(sorted(listed), (QStringList{u"library/app-v1"_s, u"library/app-v2"_s}));

    // --kind harbor says it outright: the generation is still found (1.x paths on 1.x).
    const Run named = berth({u"repos"_s, u"--kind"_s, u"harbor"_s, harbor->host() + u"/private"_s});
    QCOMPARE(named.code, 0);
    QVERIFY(lines(named.out).contains(u"private/secret-"_s + suffix(flavour)));
}

void TestCliHarbor::anonymousListsPublicProject()
{
    QFETCH(HarborServer::Flavour, flavour);
    HarborServer *harbor = server(flavour);
    // Harbor refuses an anonymous token without a scope (as `docker login` would get), yet
    // hands out pull tokens for public repositories: anonymous listing must work.
    const QString repository = harbor->host() + u"/library/app-"_s + suffix(flavour);
    const Run tags = berth({u"tags"_s, repository}, true);
    QVERIFY2(tags.code == 0, tags.err.constData());
    QCOMPARE(sorted(lines(tags.out)), (QStringList{u"1.0"_s, u"2.0"_s, u"3.0-rc"_s, u"latest"_s}));
    // Also when named Harbor: the connect step then detects the generation, anonymously too.
    const Run named = berth({u"tags"_s, u"--kind"_s, u"harbor"_s, repository}, true);
    QVERIFY2(named.code == 0, named.err.constData());
    QCOMPARE(sorted(lines(named.out)), sorted(lines(tags.out)));
    const Run repos = berth({u"repos"_s, harbor->host()}, true);
    QCOMPARE(repos.code, 0);
    QVERIFY(lines(repos.out).contains(u"library/app-"_s + suffix(flavour)));
    QVERIFY(!lines(repos.out).contains(u"private/secret-"_s + suffix(flavour)));
    // A private project stays closed to anonymous callers.
    const Run secret
            = berth({u"tags"_s, harbor->host() + u"/private/secret-"_s + suffix(flavour)}, true);
    QCOMPARE(secret.code, 1);
    QVERIFY(secret.out.isEmpty());
}

void TestCliHarbor::tagsSortAndFilter()
{
    QFETCH(HarborServer::Flavour, flavour);
    HarborServer *harbor = server(flavour);
    const QString name = u"app-"_s + suffix(flavour);
    const QString repository = harbor->host() + u"/library/"_s + name;
    const QStringList all{u"1.0"_s, u"2.0"_s, u"3.0-rc"_s, u"latest"_s};

    const Run plain = berth({u"tags"_s, repository});
    QCOMPARE(plain.code, 0);
    QCOMPARE(sorted(lines(plain.out)), all);

    // Filter: server-side on 2.x, client-side on 1.x; the same answer either way.
    harbor->resetCounters();
    const Run filtered = berth({u"tags"_s, u"--filter"_s, u".0"_s, repository});
    QVERIFY2(filtered.code == 0, filtered.err.constData());
    QCOMPARE(sorted(lines(filtered.out)), (QStringList{u"1.0"_s, u"2.0"_s, u"3.0-rc"_s}));
    const QString artifacts = harbor->apiPrefix() + u"/projects/library/repositories/"_s
                              + HarborServer::encodeRepository(name) + u"/artifacts"_s;
    QCOMPARE(harbor->pathCount(artifacts) > 0, flavour == HarborServer::Flavour::V2);

    harbor->resetCounters();
    // Sort by push time, newest first: the server's artifact order, tags of one artifact
    // newest first too. The expected order comes from the server's own push times.
    const Run pushed = berth({u"tags"_s, u"--sort"_s, u"pushed"_s, repository});
    if (flavour == HarborServer::Flavour::V1) {
        QCOMPARE(pushed.code, 1);
        QVERIFY(pushed.err.contains("--sort pushed"));
        QVERIFY(pushed.out.isEmpty());
        return;
    }
    QVERIFY2(pushed.code == 0, pushed.err.constData());
    QStringList expected = all;
    std::stable_sort(expected.begin(), expected.end(), [&](const QString &a, const QString &b) {
        return harbor->findArtifact(u"library"_s, name, a)->pushTime
               > harbor->findArtifact(u"library"_s, name, b)->pushTime;
    });
    const QStringList got = lines(pushed.out);
    QCOMPARE(got.size(), expected.size());
    // Tags of one artifact (2.0, latest) may come in either order; artifacts may not.
    for (qsizetype i = 0; i < got.size(); ++i) {
        QCOMPARE(harbor->findArtifact(u"library"_s, name, got.at(i))->digest,
                 harbor->findArtifact(u"library"_s, name, expected.at(i))->digest);
    }
    const QList<QByteArray> targets = harbor->requestTargets();
    QVERIFY(std::any_of(targets.cbegin(), targets.cend(), [](const QByteArray &target) {
        return target.startsWith("GET ") && target.contains("/artifacts?")
               && target.contains("sort=-push_time");
    }));

    const Run bad = berth({u"tags"_s, u"--sort"_s, u"size"_s, repository});
    QCOMPARE(bad.code, 2);
}

void TestCliHarbor::inspect()
{
    QFETCH(HarborServer::Flavour, flavour);
    HarborServer *harbor = server(flavour);
    const QString name = u"app-"_s + suffix(flavour);
    const Run run = berth(
            {u"inspect"_s, u"--json"_s, harbor->host() + u"/library/"_s + name + u":2.0"_s});
    QVERIFY2(run.code == 0, run.err.constData());
    const QJsonObject object = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(object.value(u"digest"_s).toString(),
             harbor->findArtifact(u"library"_s, name, u"2.0"_s)->digest);
    QCOMPARE(object.value(u"tag"_s).toString(), u"2.0"_s);
}

void TestCliHarbor::retag()
{
    QFETCH(HarborServer::Flavour, flavour);
    HarborServer *harbor = server(flavour);
    const QString name = u"app-"_s + suffix(flavour);
    const QString repository = harbor->host() + u"/library/"_s + name;
    const QString digest = harbor->findArtifact(u"library"_s, name, u"1.0"_s)->digest;

    const Run run = berth({u"retag"_s, repository + u":1.0"_s, u"1.0-stable"_s});
    QVERIFY2(run.code == 0, run.err.constData());
    QCOMPARE(lines(run.out), QStringList{digest});
    // Through Harbor's API, not a manifest PUT: 1.x POST /api/repositories/{repo}/tags, 2.x
    // POST .../artifacts/{digest}/tags.
    const HarborArtifact *tagged = harbor->findArtifact(u"library"_s, name, u"1.0-stable"_s);
    QVERIFY(tagged);
    QCOMPARE(tagged->digest, digest);

    // REPOSITORY:TAG copies the image into another project (Harbor's copy, then the tag)
    const QString copyName = u"copied-"_s + suffix(flavour);
    const Run copy
            = berth({u"retag"_s, repository + u":1.0"_s, u"private/"_s + copyName + u":c1"_s});
    QVERIFY2(copy.code == 0, copy.err.constData());
    QCOMPARE(lines(copy.out), QStringList{digest});
    const HarborArtifact *copied = harbor->findArtifact(u"private"_s, copyName, u"c1"_s);
    QVERIFY(copied);
    QCOMPARE(copied->digest, digest);

    // The tag exists already: Harbor's conflict, as an error.
    const Run again = berth({u"retag"_s, repository + u":2.0"_s, u"1.0-stable"_s});
    QCOMPARE(again.code, 1);
    QVERIFY(again.out.isEmpty());
    QVERIFY(!again.err.isEmpty());
}

void TestCliHarbor::rm()
{
    QFETCH(HarborServer::Flavour, flavour);
    HarborServer *harbor = server(flavour);
    const QString name = u"scratch-"_s + suffix(flavour);
    const QString image = harbor->host() + u"/library/"_s + name + u":gone"_s;

    // Without --yes nothing goes.
    const Run refused = berth({u"rm"_s, image});
    QCOMPARE(refused.code, 1);
    QVERIFY(refused.out.isEmpty());
    QVERIFY(refused.err.contains("--yes"));
    QVERIFY(harbor->findArtifact(u"library"_s, name, u"gone"_s));

    const HarborArtifact *before = harbor->findArtifact(u"library"_s, name, u"keep"_s);
    QVERIFY(before);
    const QString keptDigest = before->digest;
    const Run removed = berth({u"rm"_s, u"--yes"_s, image});
    QVERIFY2(removed.code == 0, removed.err.constData());
    QCOMPARE(lines(removed.out), QStringList{harbor->host() + u"/library/"_s + name + u":gone"_s});
    QVERIFY(!harbor->findArtifact(u"library"_s, name, u"gone"_s));
    // Only the tag went, on both flavours: "keep" (same image) and "other" stay. Harbor 1.x's
    // own API would have deleted the manifest with "keep"; Berth untags through /v2/.
    const HarborArtifact *kept = harbor->findArtifact(u"library"_s, name, u"keep"_s);
    QVERIFY(kept);
    QCOMPARE(kept->digest, keptDigest);
    QVERIFY(harbor->findArtifact(u"library"_s, name, u"other"_s));
    const Run left = berth({u"tags"_s, harbor->host() + u"/library/"_s + name});
    QCOMPARE(left.code, 0);
    QCOMPARE(sorted(lines(left.out)), (QStringList{u"keep"_s, u"other"_s}));
    const Run inspected = berth(
            {u"inspect"_s, u"--json"_s, harbor->host() + u"/library/"_s + name + u":keep"_s});
    QVERIFY2(inspected.code == 0, inspected.err.constData());
    QVERIFY(inspected.out.contains(keptDigest.toUtf8()));
}

void TestCliHarbor::wrongPassword()
{
    QFETCH(HarborServer::Flavour, flavour);
    HarborServer *harbor = server(flavour);
    const QByteArray password = "wrong-Secret-4711";
    // Harbor would serve public projects to a wrong password as if anonymous; Berth says so.
    for (const QStringList &arguments :
         {QStringList{u"tags"_s, harbor->host() + u"/library/app-"_s + suffix(flavour)},
          QStringList{u"repos"_s, harbor->host()},
          QStringList{u"rm"_s, u"--yes"_s,
                      harbor->host() + u"/library/app-"_s + suffix(flavour) + u":1.0"_s}}) {
        const Run run = berth(arguments, false, password);
        QCOMPARE(run.code, 1);
        QVERIFY(run.out.isEmpty());
        const QString err = QString::fromUtf8(run.err);
        QVERIFY2(err.contains(QRegularExpression(u"user ?name or password"_s)), qPrintable(err));
        QVERIFY2(err.contains(u"Unauthorized"_s), qPrintable(err));
        QVERIFY2(err.startsWith(u"berth "_s + arguments.first() + u": "_s), qPrintable(err));
        QVERIFY(!run.err.contains(password));
    }
    QVERIFY(harbor->findArtifact(u"library"_s, u"app-"_s + suffix(flavour), u"1.0"_s));
}

QTEST_MAIN(TestCliHarbor)
#include "tst_cli_harbor.moc"
