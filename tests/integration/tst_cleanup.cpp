// `berth cleanup` and `berth undo` on every backend: a plain registry (Distribution 2.8), the
// Harbor test server as 2.x and as 1.x. The plan is checked against the server, the run against
// the plan (what was to stay is exactly what is left, on the same digests), and undo against
// the state before; and the plan's safety: a tag moved between plan and run is left alone.

#include "berthprocess.h"
#include "faultproxy.h"
#include "harborserver.h"
#include "imageseeder.h"
#include "jobwait.h"
#include "registryprocess.h"

#include "models/cleanup/cleanuprun.h"
#include "models/cleanup/inventoryjob.h"
#include "models/metadata/metadataservice.h"
#include "models/session/registrysession.h"
#include "models/session/sessionopener.h"
#include "models/tags/tagoperations.h"
#include "net/backend/registrybackend.h"
#include "net/core/digest.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;
using namespace Berth::Test;

namespace {

enum class Backend { Registry, Harbor2, Harbor1 };

using Run = BerthRun;
using State = QMap<QString, QString>; //!< tag -> digest

//! An image created at a given day of 2024 (the age rules read it), Docker schema 2: what
//! Harbor 1.x holds (it refuses OCI manifests), so undo can PUT it back there too.
ImageSpec imageOn(quint64 seed, int month, int day = 1)
{
    ImageSpec spec;
    spec.seed = seed;
    spec.format = ManifestFormat::Docker;
    spec.layerBytes = 1024;
    spec.created = QDateTime(QDate(2024, month, day), QTime(8, 0), Qt::UTC);
    return spec;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

} // namespace

Q_DECLARE_METATYPE(Backend)

class TestCleanup : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void planRunAndUndo_data() { backends(); }
    void planRunAndUndo();
    void movedTagIsLeftAlone_data() { backends(); }
    void movedTagIsLeftAlone();
    void storm503MidRunLosesNothing_data() { backends(); }
    void storm503MidRunLosesNothing();
    void untaggedImagesOnHarbor2();
    void untaggedImagesAreListedPageAfterPage();
    void usageErrors();

private:
    static void backends()
    {
        QTest::addColumn<Backend>("backend");
        QTest::newRow("registry") << Backend::Registry;
        QTest::newRow("harbor 2.x") << Backend::Harbor2;
        QTest::newRow("harbor 1.x") << Backend::Harbor1;
    }
    //! "host/project/name" of a repository seeded for backend.
    QString repository(Backend backend, const QString &name) const;
    void seed(const QString &name);
    Run berth(Backend backend, const QStringList &arguments);
    //! Every tag and its digest, as the server says (a plan that keeps everything lists them).
    State state(Backend backend, const QString &repositoryName);
    RegistrySession *open(Backend backend, const QString &host, RequestScheduler *scheduler,
                          QObject *owner);
    //! The plan that keeps only the newest tag, from the server's state now.
    CleanupPlan keepNewest(RegistrySession *session, const QString &path, QObject *owner);

    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<HarborServer> m_v2;
    std::unique_ptr<HarborServer> m_v1;
    QTemporaryDir m_home;
};

QString TestCleanup::repository(Backend backend, const QString &name) const
{
    switch (backend) {
    case Backend::Registry:
        return m_registry->host() + u"/plain/"_s + name;
    case Backend::Harbor2:
        return m_v2->host() + u"/library/"_s + name + u"-v2"_s;
    case Backend::Harbor1:
        return m_v1->host() + u"/library/"_s + name + u"-v1"_s;
    }
    return {};
}

void TestCleanup::seed(const QString &name)
{
    // Given, per backend: five images by creation time
    //   a 2024-01 (1.0, 1.0-alias)   b 2024-02 (1.1)   c 2024-03 (1.2, stable)   d 2024-04 (1.3)
    //   r 2023-12 (release-0.9)
    ImageSeeder seeder(m_registry->host());
    quint64 seedNumber = qHash(name);
    for (const QString &path : QStringList{u"plain/"_s + name, u"library/"_s + name + u"-v2"_s,
                                           u"library/"_s + name + u"-v1"_s}) {
        QVERIFY(seeder.seedImage(path, imageOn(++seedNumber, 1), {u"1.0"_s, u"1.0-alias"_s}));
        QVERIFY(seeder.seedImage(path, imageOn(++seedNumber, 2), {u"1.1"_s}));
        QVERIFY(seeder.seedImage(path, imageOn(++seedNumber, 3), {u"1.2"_s, u"stable"_s}));
        QVERIFY(seeder.seedImage(path, imageOn(++seedNumber, 4), {u"1.3"_s}));
        ImageSpec release = imageOn(++seedNumber, 1);
        release.created = release.created.addMonths(-1);
        QVERIFY(seeder.seedImage(path, release, {u"release-0.9"_s}));
    }
}

Run TestCleanup::berth(Backend backend, const QStringList &arguments)
{
    QStringList all = arguments.mid(0, 1) + QStringList{u"--plain-http"_s};
    QByteArray input;
    if (backend != Backend::Registry) {
        all += {u"--username"_s, QString(HarborServer::adminName), u"--password-stdin"_s};
        input = QByteArray(HarborServer::adminPassword.data(), HarborServer::adminPassword.size())
                + '\n';
    }
    all += arguments.mid(1);
    return runBerth(QStringLiteral(BERTH_BINARY), all, input, QDir(m_home.path()), 120000);
}

State TestCleanup::state(Backend backend, const QString &repositoryName)
{
    const Run run = berth(backend, {u"cleanup"_s, repositoryName, u"--keep"_s, u".*"_s,
                                    u"--format"_s, u"json"_s});
    State tags;
    if (run.code != 0) {
        qWarning("listing %s failed: %s", qPrintable(repositoryName), run.err.constData());
        return tags;
    }
    for (const QJsonValue &row : QJsonDocument::fromJson(run.out)[u"tags"_s].toArray())
        tags.insert(row[u"tag"_s].toString(), row[u"digest"_s].toString());
    return tags;
}

RegistrySession *TestCleanup::open(Backend backend, const QString &host,
                                   RequestScheduler *scheduler, QObject *owner)
{
    RegistryEndpoint endpoint;
    endpoint.host = host;
    endpoint.scheme = RegistryEndpoint::Scheme::Http;
    endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
    if (backend != Backend::Registry) {
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
        endpoint.credentials.username = QString(HarborServer::adminName);
        endpoint.credentials.password = QString(HarborServer::adminPassword);
    }
    const auto opened = waitFor(openSession(endpoint, {}, scheduler, owner, owner), 30000);
    if (!opened.ok()) {
        qWarning("opening %s: %s", qPrintable(host), qPrintable(opened.error().toString()));
        return nullptr;
    }
    return *opened;
}

CleanupPlan TestCleanup::keepNewest(RegistrySession *session, const QString &path, QObject *owner)
{
    const auto inventory = waitFor(
            new InventoryJob(session->metadata(), path, InventoryJob::Tags, owner), 60000);
    if (!inventory.ok()) {
        qWarning("reading %s: %s", qPrintable(path), qPrintable(inventory.error().toString()));
        return {};
    }
    RetentionRules rules;
    rules.keepLast = 1;
    return planCleanup(*inventory, rules, QDateTime::currentDateTimeUtc());
}

void TestCleanup::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(m_home.isValid());
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    seed(u"clean"_s);
    seed(u"moved"_s);
    seed(u"storm"_s);
    ImageSeeder seeder(m_registry->host());
    for (int month = 1; month <= 3; ++month) {
        QVERIFY(seeder.seedImage(u"library/untagged-v2"_s, imageOn(900 + month, month),
                                 {u"1.%1"_s.arg(month - 1)}));
    }
    for (auto *harbor : {&m_v2, &m_v1}) {
        const auto flavour
                = harbor == &m_v2 ? HarborServer::Flavour::V2 : HarborServer::Flavour::V1;
        *harbor = std::make_unique<HarborServer>(m_registry.get(), flavour);
        QVERIFY2((*harbor)->start(&error), qPrintable(error));
        (*harbor)->createProject(u"library"_s, true);
        QVERIFY2((*harbor)->importFromRegistry(&error), qPrintable(error));
    }
}

void TestCleanup::planRunAndUndo()
{
    QFETCH(Backend, backend);
    const QString repo = repository(backend, u"clean"_s);
    const State before = state(backend, repo);
    QCOMPARE(before.size(), 7);
    const QStringList rules{u"--keep-last"_s, u"2"_s, u"--keep"_s, u"release-.*"_s};

    // When the plan is made (no --yes)
    const Run dry
            = berth(backend, QStringList{u"cleanup"_s, repo, u"--format"_s, u"json"_s} + rules);
    QVERIFY2(dry.code == 0, dry.err.constData());
    const QJsonObject plan = QJsonDocument::fromJson(dry.out).object();

    // Then every tag is in it, with its action computed from the server: the newest two
    // (1.3, and stable: same time as 1.2, the later name), the release kept; 1.2 only untagged
    // (stable keeps its image); a and b deleted whole
    QMap<QString, QString> actions;
    for (const QJsonValue &row : plan[u"tags"_s].toArray()) {
        actions.insert(row[u"tag"_s].toString(), row[u"action"_s].toString());
        QCOMPARE(row[u"digest"_s].toString(), before.value(row[u"tag"_s].toString()));
    }
    const QMap<QString, QString> expected{
            {u"1.0"_s, u"delete"_s},      {u"1.0-alias"_s, u"delete"_s}, {u"1.1"_s, u"delete"_s},
            {u"1.2"_s, u"untag"_s},       {u"1.3"_s, u"keep"_s},         {u"stable"_s, u"keep"_s},
            {u"release-0.9"_s, u"keep"_s}};
    QCOMPARE(actions, expected);
    QCOMPARE(plan[u"summary"_s][u"images_deleted"_s].toInt(), 2);
    QCOMPARE(plan[u"summary"_s][u"untag"_s].toInt(), 1);
    QVERIFY(plan[u"summary"_s][u"bytes_reclaimable"_s].toInteger() > 0);
    QVERIFY(dry.err.contains("nothing was changed"));
    QCOMPARE(state(backend, repo), before);

    // When it runs
    const QString journal = m_home.filePath(u"journal-%1.jsonl"_s.arg(int(backend)));
    const Run run = berth(
            backend, QStringList{u"cleanup"_s, repo, u"--yes"_s, u"--journal"_s, journal} + rules);
    QVERIFY2(run.code == 0, run.err.constData());
    QVERIFY2(run.err.contains(journal.toUtf8()), run.err.constData());

    // Then exactly the kept tags are left, on their digests
    const State after = state(backend, repo);
    QCOMPARE(sorted(after.keys()), (QStringList{u"1.3"_s, u"release-0.9"_s, u"stable"_s}));
    for (auto it = after.cbegin(); it != after.cend(); ++it)
        QCOMPARE(it.value(), before.value(it.key()));

    // When the journal is undone, first as a dry run
    const Run wouldUndo = berth(backend, {u"undo"_s, journal});
    QVERIFY2(wouldUndo.code == 0, wouldUndo.err.constData());
    QCOMPARE(QString::fromUtf8(wouldUndo.err).count(u"would restore"_s), 4);
    QCOMPARE(state(backend, repo), after);
    const Run undo = berth(backend, {u"undo"_s, u"--yes"_s, journal});
    QVERIFY2(undo.code == 0, undo.err.constData());

    // Then every tag is back on its digest
    QCOMPARE(state(backend, repo), before);
}

void TestCleanup::movedTagIsLeftAlone()
{
    // Given a session on the backend and a plan that keeps only the newest tag (1.3)
    QFETCH(Backend, backend);
    const QString fullName = repository(backend, u"moved"_s);
    const QString host = fullName.section(u'/', 0, 0);
    const QString path = fullName.section(u'/', 1);
    NetworkAccessManager nam;
    RequestScheduler scheduler(&nam);
    QObject owner;
    RegistrySession *session = open(backend, host, &scheduler, &owner);
    QVERIFY(session);
    const CleanupPlan plan = keepNewest(session, path, &owner);
    QVERIFY(plan.isFinal());
    QCOMPARE(plan.keptTags(), QStringList{u"1.3"_s});

    // When, before it runs, someone pushes 1.3's image as 1.1 (1.1 moves)
    const auto newest
            = waitFor(session->metadata()->manifest(path, u"1.3"_s, Priority::Interactive));
    QVERIFY2(newest.ok(), qPrintable(newest.error().toString()));
    const auto pushed = waitFor(
            session->backend()->putManifest(path, u"1.1"_s, newest->bytes, newest->mediaType));
    QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
    const auto outcome = waitFor(
            new CleanupRun(session->metadata(), session->operations(), plan, host,
                           m_home.filePath(u"moved-%1.jsonl"_s.arg(int(backend))), &owner),
            120000);

    // Then 1.1 is skipped and stays on its new image, the rest of the plan happened, and the
    // run does not call itself a success
    QVERIFY2(outcome.ok(), qPrintable(outcome.error().toString()));
    QVERIFY(!outcome->ok());
    QCOMPARE(outcome->skipped.size(), 1);
    QVERIFY2(outcome->skipped.constFirst().startsWith(u"1.1: moved"_s),
             qPrintable(outcome->skipped.constFirst()));
    QVERIFY2(outcome->failed.isEmpty(), qPrintable(outcome->failed.join(u"; "_s)));
    QVERIFY2(outcome->mismatches.isEmpty(), qPrintable(outcome->mismatches.join(u"; "_s)));
    const State after = state(backend, fullName);
    QCOMPARE(sorted(after.keys()), (QStringList{u"1.1"_s, u"1.3"_s}));
    QCOMPARE(after.value(u"1.1"_s), *pushed);
    QCOMPARE(after.value(u"1.3"_s), *pushed);
}

void TestCleanup::storm503MidRunLosesNothing()
{
    // Given a plan that removes five tags (keep the newest), made through a proxy
    QFETCH(Backend, backend);
    const QString fullName = repository(backend, u"storm"_s);
    const QString path = fullName.section(u'/', 1);
    const QString serverHost = fullName.section(u'/', 0, 0);
    // The plain registry behind a FaultProxy; the Harbor test server makes its own 503s (a
    // FaultProxy cannot stand in front of it).
    FaultProxy proxy;
    QString error;
    QVERIFY2(proxy.start(u"127.0.0.1"_s, quint16(serverHost.section(u':', 1).toUInt()), &error),
             qPrintable(error));
    HarborServer *harbor = backend == Backend::Harbor2   ? m_v2.get()
                           : backend == Backend::Harbor1 ? m_v1.get()
                                                         : nullptr;
    const QString host = harbor ? serverHost : proxy.host();
    const State before = state(backend, fullName);
    QCOMPARE(before.size(), 7);
    NetworkAccessManager nam;
    RequestScheduler scheduler(&nam);
    QObject owner;
    RegistrySession *session = open(backend, host, &scheduler, &owner);
    QVERIFY(session);
    const CleanupPlan plan = keepNewest(session, path, &owner);
    QCOMPARE(plan.removedTags().size(), 6);
    const auto calm = qScopeGuard([harbor] {
        if (harbor)
            harbor->setUnavailableMethod({});
    });

    // When every DELETE after the first is answered 503 (the retries too)
    bool stormStarted = false;
    const auto startStorm = [&](const QByteArray &method) {
        if (method != "DELETE" || stormStarted)
            return;
        stormStarted = true;
        if (harbor)
            harbor->setUnavailableMethod("DELETE");
        else
            proxy.addFault(FaultProxy::Fault::httpStatus(503).onMethod("DELETE"));
    };
    if (harbor) {
        connect(harbor, &HarborServer::requestHandled, &owner,
                [&](const QByteArray &method, const QString &, int) { startStorm(method); });
    } else {
        connect(&proxy, &FaultProxy::requestSeen, &owner,
                [&](const QByteArray &method, const QString &) { startStorm(method); });
    }
    const QString journal = m_home.filePath(u"storm-%1.jsonl"_s.arg(int(backend)));
    const auto outcome = waitFor(
            new CleanupRun(session->metadata(), session->operations(), plan, host, journal, &owner),
            180000);

    // Then the run says which tags failed, and the repository is the plan's or the old state
    // for each tag: nothing else went
    QVERIFY2(outcome.ok(), qPrintable(outcome.error().toString()));
    QVERIFY(stormStarted);
    QVERIFY(!outcome->ok());
    QVERIFY(!outcome->failed.isEmpty());
    proxy.clearFaults();
    if (harbor)
        harbor->setUnavailableMethod({});
    const State during = state(backend, fullName);
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (during.contains(it.key()))
            QCOMPARE(during.value(it.key()), it.value());
        else
            QVERIFY2(outcome->removed.contains(it.key()), qPrintable(it.key()));
    }
    QVERIFY(during.contains(u"1.3"_s));

    // And the journal undoes what was done
    const Run undo = berth(backend, {u"undo"_s, u"--yes"_s, journal});
    QVERIFY2(undo.code == 0, undo.err.constData());
    QCOMPARE(state(backend, fullName), before);
}

void TestCleanup::untaggedImagesOnHarbor2()
{
    // Given three images on Harbor 2.x; 1.0's and 1.1's tags removed (their images stay,
    // untagged), 1.0's pushed long ago, 1.1's just now
    const QString host = m_v2->host();
    const QString path = u"library/untagged-v2"_s;
    const QString repo = host + u'/' + path;
    NetworkAccessManager nam;
    RequestScheduler scheduler(&nam);
    QObject owner;
    RegistrySession *session = open(Backend::Harbor2, host, &scheduler, &owner);
    QVERIFY(session);
    const State before = state(Backend::Harbor2, repo);
    QCOMPARE(before.size(), 3);
    for (const QString &tag : {u"1.0"_s, u"1.1"_s}) {
        const auto untagged = waitFor(session->operations()->deleteTag(path, tag));
        QVERIFY2(untagged.ok(), qPrintable(untagged.error().toString()));
    }
    const QString old = before.value(u"1.0"_s);
    const QString fresh = before.value(u"1.1"_s);
    QVERIFY(m_v2->setArtifactPushTime(u"library"_s, u"untagged-v2"_s, old,
                                      QDateTime(QDate(2024, 1, 2), QTime(0, 0), Qt::UTC)));
    const auto untaggedNow = [&] {
        const Run run = berth(Backend::Harbor2, {u"cleanup"_s, repo, u"--keep"_s, u".*"_s,
                                                 u"--untagged"_s, u"--format"_s, u"json"_s});
        QMap<QString, QString> images; // digest -> action
        for (const QJsonValue &row : QJsonDocument::fromJson(run.out)[u"untagged"_s].toArray())
            images.insert(row[u"digest"_s].toString(), row[u"action"_s].toString());
        return images;
    };

    // When the plan is made with --untagged
    const QMap<QString, QString> planned = untaggedNow();

    // Then the old untagged image is deleted, the fresh one kept (a push may be going on)
    QCOMPARE(planned, (QMap<QString, QString>{{old, u"delete"_s}, {fresh, u"keep"_s}}));

    // When it runs
    const QString journal = m_home.filePath(u"untagged.jsonl"_s);
    const Run run = berth(Backend::Harbor2, {u"cleanup"_s, repo, u"--keep"_s, u".*"_s,
                                             u"--untagged"_s, u"--yes"_s, u"--journal"_s, journal});
    QVERIFY2(run.code == 0, run.err.constData());
    QVERIFY2(run.err.contains("1 untagged image"), run.err.constData());

    // Then the old one is gone, the tagged image and the fresh one stay
    QCOMPARE(untaggedNow(), (QMap<QString, QString>{{fresh, u"keep"_s}}));
    QCOMPARE(state(Backend::Harbor2, repo), (State{{u"1.2"_s, before.value(u"1.2"_s)}}));

    // When the journal is undone
    const Run undo = berth(Backend::Harbor2, {u"undo"_s, u"--yes"_s, journal});
    QVERIFY2(undo.code == 0, undo.err.constData());

    // Then the image is back, untagged (Harbor stamps a new push time: inside the grace period)
    QCOMPARE(untaggedNow(), (QMap<QString, QString>{{old, u"keep"_s}, {fresh, u"keep"_s}}));
}

void TestCleanup::untaggedImagesAreListedPageAfterPage()
{
    // Given 230 untagged artifacts (three pages of Harbor's at most 100) and a tagged one
    HarborStore &store = m_v2->store();
    HarborRepository &repository
            = store.ensureRepository(*store.project(u"library"_s), u"library/many-untagged"_s);
    QSet<QString> untagged;
    for (int i = 0; i < 231; ++i) {
        HarborArtifact artifact;
        artifact.repositoryId = repository.id;
        artifact.projectId = repository.projectId;
        artifact.digest = Digest::sha256(QByteArray::number(i));
        artifact.manifestMediaType = u"application/vnd.oci.image.manifest.v1+json"_s;
        artifact.pushTime = QDateTime::currentDateTimeUtc();
        const HarborArtifact &stored = store.upsertArtifact(artifact);
        if (i == 230)
            store.setTag(repository.id, stored.id, u"tagged"_s, artifact.pushTime);
        else
            untagged.insert(artifact.digest);
    }
    NetworkAccessManager nam;
    RequestScheduler scheduler(&nam);
    QObject owner;
    RegistrySession *session = open(Backend::Harbor2, m_v2->host(), &scheduler, &owner);
    QVERIFY(session);
    RegistryBackend *backend = session->backend();

    // Then all of them are listed, and only them
    const auto all = waitFor(backend->untaggedImages(u"library/many-untagged"_s));
    QVERIFY2(all.ok(), qPrintable(all.error().toString()));
    QSet<QString> listed;
    for (const UntaggedImage &image : *all)
        listed.insert(image.digest);
    QCOMPARE(all->size(), 230);
    QCOMPARE(listed, untagged);

    // And asked by digest: an untagged one is found, the tagged one is not
    const QString one = *untagged.cbegin();
    const auto found = waitFor(backend->untaggedImages(u"library/many-untagged"_s, one));
    QVERIFY(found.ok());
    QCOMPARE(found->size(), 1);
    QCOMPARE(found->first().digest, one);
    const auto tagged = waitFor(backend->untaggedImages(u"library/many-untagged"_s,
                                                        Digest::sha256(QByteArray::number(230))));
    QVERIFY(tagged.ok());
    QVERIFY(tagged->isEmpty());
}

void TestCleanup::usageErrors()
{
    const QString repo = repository(Backend::Registry, u"clean"_s);
    const Run pushed = berth(Backend::Registry, {u"cleanup"_s, repo, u"--by"_s, u"pushed"_s});
    QCOMPARE(pushed.code, 2);
    QVERIFY2(pushed.err.contains("--by pushed"), pushed.err.constData());
    const Run duration = berth(Backend::Registry, {u"cleanup"_s, repo, u"--older-than"_s, u"90"_s});
    QCOMPARE(duration.code, 2);
    QVERIFY2(duration.err.contains("--older-than"), duration.err.constData());
    const Run regex = berth(Backend::Registry, {u"cleanup"_s, repo, u"--keep"_s, u"(oops"_s});
    QCOMPARE(regex.code, 2);
    const Run format = berth(Backend::Registry, {u"cleanup"_s, repo, u"--format"_s, u"yaml"_s});
    QCOMPARE(format.code, 2);
    const Run untagged = berth(Backend::Registry, {u"cleanup"_s, repo, u"--untagged"_s});
    QCOMPARE(untagged.code, 2);
    QVERIFY2(untagged.err.contains("--untagged"), untagged.err.constData());
    const Run untaggedV1
            = berth(Backend::Harbor1,
                    {u"cleanup"_s, repository(Backend::Harbor1, u"clean"_s), u"--untagged"_s});
    QCOMPARE(untaggedV1.code, 2);
    QVERIFY2(untaggedV1.err.contains("Harbor 2.x"), untaggedV1.err.constData());
    const Run journal = berth(Backend::Registry, {u"undo"_s, m_home.filePath(u"nope.jsonl"_s)});
    QCOMPARE(journal.code, 1);
    QVERIFY2(journal.err.contains("cannot read"), journal.err.constData());
}

QTEST_MAIN(TestCleanup)
#include "tst_cleanup.moc"
