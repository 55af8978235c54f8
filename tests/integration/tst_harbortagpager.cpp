// HarborTagPager (Harbor 2.x server-side sort and filter) against the Harbor API test server in
// front of the real registry: push-time and name order, the substring filter, page size and
// total, the fetchNext() contract, extras handed out with their page, what a page costs in
// requests, parallel tag requests, a vanished artifact, a failing tags page and cancel().
#include "harborserver.h"
#include "imagebuilder.h"
#include "imageseeder.h"
#include "jobwait.h"
#include "net/backend/pager.h"
#include "net/harbor/harborapi.h"
#include "net/harbor/harborbackend.h"
#include "net/harbor/harbortagpager.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"
#include "registryprocess.h"

#include <QScopeGuard>
#include <QSet>
#include <QTest>
#include <QUrlQuery>

#include <algorithm>
#include <memory>
#include <tuple>

using namespace Qt::StringLiterals;
using namespace Berth;
using Berth::Test::HarborServer;
using Berth::Test::waitFor;

namespace {

constexpr int BigTagCount = 250; // two and a half tags pages of HarborApi::MaxPageSize
constexpr int ManyArtifacts = 20;

const QString project = u"pager"_s;

//! pager/mixed by push time, newest first: artifacts C, B, A, the tags of each likewise.
const QStringList mixedNewestFirst{u"v3.0"_s,    u"dev"_s,     u"v2.0"_s,
                                   u"rel-2.0"_s, u"rel-1.0"_s, u"v1.0"_s};

Test::ImageSpec smallImage(quint64 seed)
{
    Test::ImageSpec spec;
    spec.seed = seed;
    spec.layers = 1;
    spec.layerBytes = 1024; // only distinct, valid manifests matter here
    return spec;
}

//! Fixed times: the orders below do not depend on when the images were imported.
QDateTime at(int seconds)
{
    return QDateTime::fromString(u"2025-01-01T00:00:00Z"_s, Qt::ISODate).addSecs(seconds);
}

//! One client stack: access manager, scheduler, a Harbor 2.x backend (admin or anonymous).
struct Stack
{
    std::unique_ptr<NetworkAccessManager> nam = std::make_unique<NetworkAccessManager>();
    std::unique_ptr<RequestScheduler> scheduler = std::make_unique<RequestScheduler>(nam.get());
    std::unique_ptr<HarborBackend> backend;
};

enum class Login { Admin, Anonymous };

Stack stack(const QString &host, Login login = Login::Admin)
{
    RegistryEndpoint endpoint;
    endpoint.host = host;
    endpoint.scheme = RegistryEndpoint::Scheme::Http;
    if (login == Login::Anonymous) {
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
    } else {
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
        endpoint.credentials = Credentials{
                QString(HarborServer::adminName), QString(HarborServer::adminPassword), {}};
    }
    Stack s;
    s.backend = std::make_unique<HarborBackend>(endpoint, s.scheduler.get(), HarborGeneration::V2);
    return s;
}

//! The pager the tag table gets for query; null (and deleted) unless it is a HarborTagPager.
std::unique_ptr<Pager> tagPager(const Stack &s, const QString &repository, const TagQuery &query)
{
    std::unique_ptr<Pager> pager(s.backend->createTagPager(repository, query, nullptr));
    if (!qobject_cast<HarborTagPager *>(pager.get()))
        pager.reset();
    return pager;
}

TagQuery byPushTime(bool descending, const QString &filter = {})
{
    TagQuery query;
    query.sortField = TagQuery::SortField::PushTime;
    query.descending = descending;
    query.filterText = filter;
    return query;
}

//! What one fetchNext() brought.
struct Page
{
    QStringList names;
    QHash<QString, TagExtras> extras;
    Error error;
    QString problem; //!< a breach of the Pager contract; empty when none
};

//! Records every signal of a pager and checks the contract of each fetchNext() it makes: no
//! answer from inside fetchNext(), exactly one pageReady() or failed(), extrasReady() just
//! before its pageReady() with extras for exactly that page's names, nothing in between.
class PageWatcher final : public QObject
{
public:
    enum class Kind { Extras, Page, Failed };
    struct Event
    {
        Kind kind;
        QStringList names;
        QHash<QString, TagExtras> extras;
        Error error;
    };

    explicit PageWatcher(Pager *pager)
        : m_pager(pager)
    {
        connect(pager, &Pager::extrasReady, this, [this](const QHash<QString, TagExtras> &e) {
            m_events.append({Kind::Extras, {}, e, {}});
        });
        connect(pager, &Pager::pageReady, this, [this](const QStringList &names) {
            m_events.append({Kind::Page, names, {}, {}});
        });
        connect(pager, &Pager::failed, this, [this](const Error &error) {
            m_events.append({Kind::Failed, {}, {}, error});
        });
    }

    //! Signals that came while no fetchNext() of ours was waiting.
    qsizetype strayEvents() const { return m_events.size() - m_consumed; }

    Page next(int timeoutMs = 30000)
    {
        Page page;
        if (strayEvents() != 0) {
            page.problem = u"%1 signal(s) came outside a fetchNext()"_s.arg(strayEvents());
            return page;
        }
        m_pager->fetchNext();
        if (strayEvents() != 0) {
            page.problem = u"fetchNext() answered synchronously"_s;
            return page;
        }
        if (!m_pager->isFetching()) {
            page.problem = u"not fetching after fetchNext()"_s;
            return page;
        }
        const auto answered = [this] {
            return std::any_of(m_events.cbegin() + m_consumed, m_events.cend(),
                               [](const Event &e) { return e.kind != Kind::Extras; });
        };
        if (!QTest::qWaitFor(answered, timeoutMs)) {
            page.problem = u"no pageReady() or failed() in %1 ms"_s.arg(timeoutMs);
            return page;
        }
        const QList<Event> events = m_events.mid(m_consumed);
        m_consumed = m_events.size();
        if (m_pager->isFetching())
            page.problem = u"still fetching after the answer"_s;
        if (events.size() == 1 && events.constFirst().kind == Kind::Failed) {
            page.error = events.constFirst().error;
        } else if (events.size() == 2 && events.at(0).kind == Kind::Extras
                   && events.at(1).kind == Kind::Page) {
            page.extras = events.at(0).extras;
            page.names = events.at(1).names;
            const QStringList keys = page.extras.keys();
            if (QSet<QString>(keys.cbegin(), keys.cend())
                        != QSet<QString>(page.names.cbegin(), page.names.cend())
                || keys.size() != page.names.size()) {
                page.problem
                        = u"extras for %1, page %2"_s.arg(keys.join(u','), page.names.join(u','));
            }
        } else if (events.size() == 1 && events.constFirst().kind == Kind::Page
                   && events.constFirst().names.isEmpty()) {
            // An empty last page has no extras to send.
        } else {
            page.problem = u"unexpected signals for one fetchNext():"_s;
            for (const Event &e : events) {
                page.problem += e.kind == Kind::Extras ? u" extrasReady"_s
                                : e.kind == Kind::Page ? u" pageReady"_s
                                                       : u" failed"_s;
            }
        }
        return page;
    }

    //! Every remaining page; stops at the first problem or error.
    Page rest()
    {
        Page all;
        while (m_pager->hasMore()) {
            const Page page = next();
            if (!page.problem.isEmpty() || page.error.isError()) {
                all.problem = page.problem;
                all.error = page.error;
                break;
            }
            all.names += page.names;
            all.extras.insert(page.extras);
        }
        return all;
    }

private:
    Pager *m_pager;
    QList<Event> m_events;
    qsizetype m_consumed = 0;
};

//! One request the Harbor server saw, split for checks on its query.
struct Request
{
    QString path;
    QUrlQuery query;
    QString param(const QString &key) const
    {
        return query.queryItemValue(key, QUrl::FullyDecoded);
    }
};

QList<Request> requests(const HarborServer &harbor)
{
    QList<Request> out;
    for (const QByteArray &target : harbor.requestTargets()) {
        const QString text = QString::fromLatin1(target.mid(target.indexOf(' ') + 1));
        const qsizetype question = text.indexOf(u'?');
        out.append({text.left(question),
                    QUrlQuery(question < 0 ? QString() : text.mid(question + 1))});
    }
    return out;
}

QString artifactsPath(const QString &repository)
{
    return u"/api/v2.0/projects/%1/repositories/%2/artifacts"_s.arg(project, repository);
}

bool isTagsRequest(const Request &request, const QString &repository)
{
    return request.path.startsWith(artifactsPath(repository) + u'/')
           && request.path.endsWith(u"/tags"_s);
}

QList<Request> tagsRequests(const HarborServer &harbor, const QString &repository)
{
    QList<Request> out;
    for (const Request &request : requests(harbor)) {
        if (isTagsRequest(request, repository))
            out.append(request);
    }
    return out;
}

QStringList reversed(QStringList list)
{
    std::reverse(list.begin(), list.end());
    return list;
}

} // namespace

Q_DECLARE_METATYPE(Berth::TagQuery)

class tst_HarborTagPager : public QObject
{
    Q_OBJECT

private:
    //! Gives pager/<repository>:<tag> and the artifact behind it fixed push times.
    void setTimes(const QString &repository, const QString &tag, const QDateTime &artifactPushed,
                  const QDateTime &tagPushed)
    {
        Test::HarborStore &store = m_harbor->store();
        const Test::HarborRepository *repo = store.repository(project + u'/' + repository);
        QVERIFY(repo);
        const Test::HarborArtifact *found = m_harbor->findArtifact(project, repository, tag);
        QVERIFY2(found, qPrintable(tag));
        store.artifact(repo->id, found->digest)->pushTime = artifactPushed;
        QVERIFY(m_harbor->setTagTimes(project, repository, tag, tagPushed));
    }
    QString digestOf(const QString &repository, const QString &tag)
    {
        const Test::HarborArtifact *artifact = m_harbor->findArtifact(project, repository, tag);
        return artifact ? artifact->digest : QString();
    }
    //! page is the whole rest of the listing: names expected, no error, nothing left.
    static void verifyLastPage(const Page &page, const QStringList &expected, const Pager &pager)
    {
        QVERIFY2(page.problem.isEmpty(), qPrintable(page.problem));
        QVERIFY2(!page.error.isError(), qPrintable(page.error.message));
        QCOMPARE(page.names, expected);
        QVERIFY(!pager.hasMore());
    }
    //! Connects (ping, credentials) and clears the server's counters: what a test counts
    //! afterwards is the listing alone.
    void connectAndReset(Stack &s)
    {
        const Result<void> connected = waitFor(s.backend->connectToRegistry());
        QVERIFY2(connected.ok(), qPrintable(connected.error().message));
        m_harbor->resetCounters();
    }

    std::unique_ptr<Test::RegistryProcess> m_registry;
    std::unique_ptr<HarborServer> m_harbor;
    QStringList m_bigTags;  //!< pager/big, oldest first ("seed" then the added ones)
    QStringList m_manyTags; //!< pager/many, one tag per artifact, oldest first
    QDateTime m_v1Pulled = at(100);
    QHash<QString, QDateTime> m_mixedPushed; //!< pager/mixed: tag -> push time

private Q_SLOTS:
    void initTestCase()
    {
        if (!Test::RegistryProcess::available())
            QSKIP(qPrintable(Test::RegistryProcess::unavailableReason()));
        // The Harbor test server keeps its database in memory but proxies /v2/ and imports
        // manifests from a real registry behind it (start() refuses to run without one).
        m_registry = std::make_unique<Test::RegistryProcess>();
        QString error;
        QVERIFY2(m_registry->start(&error), qPrintable(error));

        // Given images in the registry behind Harbor:
        // pager/mixed: three artifacts with two tags each and one untagged artifact;
        Test::ImageSeeder seeder(m_registry->host());
        const auto push
                = [&seeder](const QString &repository, quint64 seed, const QStringList &tags) {
                      const auto seeded = seeder.seedImage(project + u'/' + repository,
                                                           smallImage(seed), tags);
                      return seeded ? QString() : seeded.error().message;
                  };
        QCOMPARE(push(u"mixed"_s, 11, {u"v1.0"_s, u"rel-1.0"_s}), QString());
        QCOMPARE(push(u"mixed"_s, 12, {u"rel-2.0"_s, u"v2.0"_s}), QString());
        QCOMPARE(push(u"mixed"_s, 13, {u"dev"_s, u"v3.0"_s}), QString());
        QCOMPARE(push(u"mixed"_s, 14, {u"untagged"_s}), QString());
        // pager/big: one artifact that gets BigTagCount tags; pager/many: one tag per artifact;
        // pager/vanishing: three single-tag artifacts, one of which a test deletes.
        QCOMPARE(push(u"big"_s, 21, {u"seed"_s}), QString());
        for (int i = 0; i < ManyArtifacts; ++i) {
            m_manyTags.append(u"m%1"_s.arg(i, 2, 10, QChar(u'0')));
            QCOMPARE(push(u"many"_s, 31 + i, {m_manyTags.constLast()}), QString());
        }
        for (int i = 1; i <= 3; ++i)
            QCOMPARE(push(u"vanishing"_s, 60 + i, {u"x%1"_s.arg(i)}), QString());

        m_harbor = std::make_unique<HarborServer>(m_registry.get(), HarborServer::Flavour::V2);
        QVERIFY2(m_harbor->start(&error), qPrintable(error));
        m_harbor->createProject(project, true);
        QVERIFY2(m_harbor->importFromRegistry(&error), qPrintable(error));

        // pager/mixed: artifacts A (oldest), B, C, U (newest, untagged); tags within an
        // artifact pushed in an order that differs from their name order where it can.
        const QList<std::tuple<QString, int, int>> mixed{
                {u"v1.0"_s, 0, 1},      {u"rel-1.0"_s, 0, 2}, {u"rel-2.0"_s, 10, 11},
                {u"v2.0"_s, 10, 12},    {u"dev"_s, 20, 21},   {u"v3.0"_s, 20, 22},
                {u"untagged"_s, 30, 31}};
        for (const auto &[tag, artifactTime, tagTime] : mixed) {
            setTimes(u"mixed"_s, tag, at(artifactTime), at(tagTime));
            m_mixedPushed.insert(tag, at(tagTime));
        }
        QVERIFY(m_harbor->setTagTimes(project, u"mixed"_s, u"v1.0"_s, at(1), m_v1Pulled));
        const qint64 repoId = m_harbor->store().repository(project + u"/mixed"_s)->id;
        QVERIFY(m_harbor->store().removeTag(repoId, u"untagged"_s));
        m_mixedPushed.remove(u"untagged"_s);
        // Extras: a label on B, a scan of C, "rel-*" immutable.
        QVERIFY(m_harbor->attachLabel(project, u"mixed"_s, u"v2.0"_s,
                                      m_harbor->createLabel(u"qa"_s)));
        Test::HarborScanOverview scan;
        scan.severity = u"High"_s;
        scan.total = 3;
        scan.fixable = 1;
        scan.summary = {{u"High"_s, 1}, {u"Low"_s, 2}};
        QVERIFY(m_harbor->setScanOverview(project, u"mixed"_s, u"v3.0"_s, scan));
        m_harbor->addImmutableRule(project, u"**"_s, u"rel-*"_s);

        // pager/big: "seed" (imported first) and BigTagCount - 1 more, pushed in list order.
        m_bigTags.append(u"seed"_s);
        QStringList added;
        for (int i = 1; i < BigTagCount; ++i)
            added.append(u"b%1"_s.arg((i * 37) % BigTagCount, 3, 10, QChar(u'0')));
        QCOMPARE(m_harbor->addTags(project, u"big"_s, digestOf(u"big"_s, u"seed"_s), added, &error),
                 BigTagCount - 1);
        m_bigTags += added;

        // pager/many and pager/vanishing: artifacts pushed one minute apart, in tag order.
        for (int i = 0; i < ManyArtifacts; ++i)
            setTimes(u"many"_s, m_manyTags.at(i), at(60 * i), at(60 * i));
        for (int i = 1; i <= 3; ++i)
            setTimes(u"vanishing"_s, u"x%1"_s.arg(i), at(60 * i), at(60 * i));
    }

    void ordersAndFilters_data()
    {
        QTest::addColumn<TagQuery>("query");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<int>("expectedTagsRequests"); // one per listed artifact

        // Artifacts newest first (C, B, A; U has no tag), tags within each by the same key.
        QTest::newRow("push time, descending") << byPushTime(true) << mixedNewestFirst << 3;
        QTest::newRow("push time, ascending")
                << byPushTime(false) << QStringList{u"v1.0"_s, u"rel-1.0"_s, u"rel-2.0"_s,
                                                    u"v2.0"_s, u"dev"_s,     u"v3.0"_s}
                << 3;
        // C has no tag with "rel": it is not listed, so its tags are never asked for.
        QTest::newRow("push time, descending, filter")
                << byPushTime(true, u"rel"_s) << QStringList{u"rel-2.0"_s, u"rel-1.0"_s} << 2;
        // A is listed for v1.0, but its rel-1.0 is filtered out of its tags.
        QTest::newRow("push time, ascending, filter")
                << byPushTime(false, u"v"_s)
                << QStringList{u"v1.0"_s, u"v2.0"_s, u"dev"_s, u"v3.0"_s} << 3;
        // Name order: within each artifact only; the artifacts keep Harbor's push-time order.
        TagQuery byName;
        byName.filterText = u"v"_s;
        QTest::newRow("name, ascending, filter")
                << byName << QStringList{u"dev"_s, u"v3.0"_s, u"v2.0"_s, u"v1.0"_s} << 3;
        byName.filterText.clear();
        byName.descending = true;
        QTest::newRow("name, descending")
                << byName << QStringList{u"v3.0"_s,    u"dev"_s,  u"v2.0"_s,
                                         u"rel-2.0"_s, u"v1.0"_s, u"rel-1.0"_s}
                << 3;
    }
    void ordersAndFilters()
    {
        QFETCH(TagQuery, query);
        QFETCH(QStringList, expected);
        QFETCH(int, expectedTagsRequests);
        // Given a Harbor 2.x backend and the pager it makes for a non-default query
        Stack s = stack(m_harbor->host());
        connectAndReset(s);
        const std::unique_ptr<Pager> pager = tagPager(s, project + u"/mixed"_s, query);
        QVERIFY(pager);
        PageWatcher watcher(pager.get());
        QVERIFY(pager->hasMore());
        QCOMPARE(pager->totalCount(), -1);

        // When the first page (of up to 100) is fetched
        const Page page = watcher.next();

        // Then it holds every matching tag in the server's order, and nothing is left
        verifyLastPage(page, expected, *pager);
        QCOMPARE(pager->totalCount(), expected.size());

        // And Harbor was asked with the sort and the filter: one artifacts page (tagged
        // artifacts only, without their tags), then the tags of each listed artifact
        const QList<Request> sent = requests(*m_harbor);
        QCOMPARE(sent.size(), 1 + expectedTagsRequests);
        const Request &artifacts = sent.constFirst();
        QCOMPARE(artifacts.path, artifactsPath(u"mixed"_s));
        QCOMPARE(artifacts.param(u"with_tag"_s), u"false"_s);
        QCOMPARE(artifacts.param(u"q"_s),
                 query.filterText.isEmpty() ? u"tags=*"_s : u"tags=~"_s + query.filterText);
        const bool byPush = query.sortField == TagQuery::SortField::PushTime;
        const QString direction = query.descending ? u"-"_s : QString();
        QCOMPARE(artifacts.param(u"sort"_s), byPush ? direction + u"push_time"_s : QString());
        const QList<Request> tags = tagsRequests(*m_harbor, u"mixed"_s);
        QCOMPARE(tags.size(), expectedTagsRequests);
        for (const Request &request : tags) {
            QCOMPARE(request.param(u"sort"_s), direction + (byPush ? u"push_time"_s : u"name"_s));
            QCOMPARE(request.param(u"q"_s),
                     query.filterText.isEmpty() ? QString() : u"name=~"_s + query.filterText);
            QCOMPARE(request.param(u"page"_s), u"1"_s);
        }
    }

    void extrasCameWithTheirPage()
    {
        // Given the push-time pager of pager/mixed with pages of four
        Stack s = stack(m_harbor->host());
        const std::unique_ptr<Pager> pager = tagPager(s, project + u"/mixed"_s, byPushTime(true));
        QVERIFY(pager);
        pager->setPageSize(4);
        PageWatcher watcher(pager.get());

        // When both pages are fetched
        const Page first = watcher.next();
        QVERIFY2(first.problem.isEmpty(), qPrintable(first.problem));
        const Page second = watcher.next();
        QVERIFY2(second.problem.isEmpty(), qPrintable(second.problem));

        // Then each page came with extras for exactly its names (the watcher checks that
        // extrasReady() came just before its pageReady() with those keys)
        QCOMPARE(first.names, mixedNewestFirst.mid(0, 4));
        QCOMPARE(second.names, mixedNewestFirst.mid(4));
        QVERIFY(!pager->hasMore());

        // And the extras are what Harbor holds for each tag
        QHash<QString, TagExtras> extras = first.extras;
        extras.insert(second.extras);
        const QMap<QString, int> scanned{{u"High"_s, 1}, {u"Low"_s, 2}};
        for (auto it = m_mixedPushed.cbegin(); it != m_mixedPushed.cend(); ++it) {
            const QString &tag = it.key();
            const TagExtras e = extras.value(tag);
            QCOMPARE(e.tag, tag);
            QCOMPARE(e.digest, digestOf(u"mixed"_s, tag));
            QCOMPARE(e.pushed, it.value());
            QCOMPARE(e.artifactPushed, m_harbor->findArtifact(project, u"mixed"_s, tag)->pushTime);
            QVERIFY(e.immutableKnown);
            QCOMPARE(e.immutable, tag.startsWith(u"rel-"_s));
            const bool isB = tag.endsWith(u"2.0"_s);
            QCOMPARE(e.labelNames(), isB ? QStringList{u"qa"_s} : QStringList());
            const bool isC = tag == u"dev"_s || tag == u"v3.0"_s;
            QCOMPARE(e.isScanned(), isC);
            QCOMPARE(e.scannedVulnerabilities(), isC ? scanned : decltype(scanned)());
            QCOMPARE(e.pulled, tag == u"v1.0"_s ? m_v1Pulled : QDateTime());
        }
    }

    void fetchNextContract()
    {
        // Given the push-time pager of pager/mixed with pages of four
        Stack s = stack(m_harbor->host());
        connectAndReset(s);
        const std::unique_ptr<Pager> pager = tagPager(s, project + u"/mixed"_s, byPushTime(true));
        QVERIFY(pager);
        pager->setPageSize(4);
        PageWatcher watcher(pager.get());
        QVERIFY(pager->hasMore());
        QVERIFY(!pager->isFetching());

        // When fetchNext() is called again while the first page is in flight
        pager->fetchNext();
        QVERIFY(pager->isFetching());
        pager->fetchNext();
        QCOMPARE(watcher.strayEvents(), 0); // not synchronously either

        // Then one page comes, and nothing more
        QTRY_COMPARE_WITH_TIMEOUT(watcher.strayEvents(), 2, 30000); // extrasReady + pageReady
        QTest::qWait(300);
        QCOMPARE(watcher.strayEvents(), 2);
        QCOMPARE(m_harbor->pathCount(artifactsPath(u"mixed"_s)), 1);
        QVERIFY(!pager->isFetching());
        QVERIFY(pager->hasMore());
        // The total is known only once every artifact's tag count is: after this page it may
        // or may not be (A's tags were not needed yet), but it is never a wrong number.
        QVERIFY2(pager->totalCount() == -1 || pager->totalCount() == 6,
                 qPrintable(QString::number(pager->totalCount())));

        // When the rest is fetched (the watcher skips the page it did not ask for)
        PageWatcher rest(pager.get());
        const Page last = rest.next();

        // Then it is the last page and the total is exact
        QVERIFY2(last.problem.isEmpty(), qPrintable(last.problem));
        QCOMPARE(last.names, mixedNewestFirst.mid(4));
        QVERIFY(!pager->hasMore());
        QCOMPARE(pager->totalCount(), 6);

        // When fetchNext() is called at the end
        const int sent = m_harbor->requestCount();
        pager->fetchNext();

        // Then nothing is fetched and nothing is sent
        QVERIFY(!pager->isFetching());
        QTest::qWait(300);
        QCOMPARE(rest.strayEvents(), 0);
        QCOMPARE(m_harbor->requestCount(), sent);
    }

    void manyTagsArtifactCostsTwoRequests_data()
    {
        QTest::addColumn<bool>("descending");
        QTest::newRow("newest first") << true;
        QTest::newRow("oldest first") << false;
    }
    void manyTagsArtifactCostsTwoRequests()
    {
        QFETCH(bool, descending);
        // Given one artifact with 250 tags (two and a half tags pages)
        Stack s = stack(m_harbor->host());
        connectAndReset(s);
        const std::unique_ptr<Pager> pager
                = tagPager(s, project + u"/big"_s, byPushTime(descending));
        QVERIFY(pager);
        PageWatcher watcher(pager.get());
        const QStringList expected = descending ? reversed(m_bigTags) : m_bigTags;

        // When the first page is fetched
        const Page first = watcher.next();

        // Then it cost two requests: the artifacts page, then that artifact's first tags page
        QVERIFY2(first.problem.isEmpty(), qPrintable(first.problem));
        QCOMPARE(first.names, expected.mid(0, HarborApi::MaxPageSize));
        QCOMPARE(m_harbor->requestCount(), 2);
        QCOMPARE(requests(*m_harbor).constFirst().path, artifactsPath(u"big"_s));
        const QString digest = digestOf(u"big"_s, u"seed"_s);
        const QString tagsPath = artifactsPath(u"big"_s) + u'/' + digest + u"/tags"_s;
        QCOMPARE(requests(*m_harbor).constLast().path, tagsPath);
        // And the total is known (the artifact's tag count came with its first tags page)
        QCOMPARE(pager->totalCount(), BigTagCount);
        QVERIFY(pager->hasMore());

        // When the other pages are fetched
        const Page rest = watcher.rest();

        // Then each cost one more tags page, and every tag came once, in order
        QVERIFY2(rest.problem.isEmpty(), qPrintable(rest.problem));
        QCOMPARE(first.names + rest.names, expected);
        const QList<Request> tags = tagsRequests(*m_harbor, u"big"_s);
        QCOMPARE(m_harbor->requestCount(), 1 + tags.size());
        QCOMPARE(tags.size(), 3);
        for (int i = 0; i < tags.size(); ++i) {
            QCOMPARE(tags.at(i).path, tagsPath);
            QCOMPARE(tags.at(i).param(u"page"_s), QString::number(i + 1));
        }
        QCOMPARE(pager->totalCount(), BigTagCount);
    }

    void pageSizeHonoured_data()
    {
        QTest::addColumn<int>("pageSize");
        QTest::addColumn<int>("expectedPageSize");
        QTest::newRow("10") << 10 << 10;
        QTest::newRow("1") << 1 << 1;
        QTest::newRow("0 is 1") << 0 << 1;
        QTest::newRow("100") << 100 << 100;
        QTest::newRow("1000 is Harbor's maximum") << 1000 << int(HarborApi::MaxPageSize);
    }
    void pageSizeHonoured()
    {
        QFETCH(int, pageSize);
        QFETCH(int, expectedPageSize);
        // Given the pager of the 250-tag artifact with a page size set
        Stack s = stack(m_harbor->host());
        connectAndReset(s);
        const std::unique_ptr<Pager> pager = tagPager(s, project + u"/big"_s, byPushTime(true));
        QVERIFY(pager);
        pager->setPageSize(pageSize);
        PageWatcher watcher(pager.get());
        const QStringList expected = reversed(m_bigTags);

        // When the first three pages are fetched
        QStringList names;
        for (int i = 0; i < 3 && pager->hasMore(); ++i) {
            const Page page = watcher.next();
            QVERIFY2(page.problem.isEmpty(), qPrintable(page.problem));
            // Then each holds that many rows, in order
            QCOMPARE(page.names.size(),
                     std::min(expectedPageSize, BigTagCount - int(names.size())));
            names += page.names;
        }
        QCOMPARE(names, expected.mid(0, names.size()));

        // And Harbor was never asked for more than 100 rows; smaller pages are handed out from
        // one tags page of 100
        const QList<Request> sent = requests(*m_harbor);
        for (const Request &request : sent)
            QCOMPARE(request.param(u"page_size"_s).toInt(), HarborApi::MaxPageSize);
        QCOMPARE(sent.size(),
                 1 + (names.size() + HarborApi::MaxPageSize - 1) / HarborApi::MaxPageSize);
    }

    void singleTagArtifactsRunSideBySide_data()
    {
        QTest::addColumn<int>("pageSize");
        QTest::addColumn<int>("mostAtOnce");
        // After the first artifact showed one tag, a page of 100 needs more artifacts than may
        // run at once; a page of 3 needs at most 3.
        QTest::newRow("page of 100") << 100 << int(HarborTagPager::ParallelTagRequests);
        QTest::newRow("pages of 3") << 3 << 3;
    }
    void singleTagArtifactsRunSideBySide()
    {
        QFETCH(int, pageSize);
        QFETCH(int, mostAtOnce);
        // Given 20 artifacts of one tag each, and a scheduler that would run 32 requests at
        // once (so any limit seen is the pager's)
        Stack s = stack(m_harbor->host());
        s.scheduler->setMaxConcurrentPerHost(32);
        connectAndReset(s);
        const std::unique_ptr<Pager> pager = tagPager(s, project + u"/many"_s, byPushTime(true));
        QVERIFY(pager);
        pager->setPageSize(pageSize);
        PageWatcher watcher(pager.get());
        int most = 0;
        QObject counter;
        connect(s.scheduler.get(), &RequestScheduler::attemptStarted, &counter,
                [&most, &s](const QByteArray &, const QUrl &url) {
                    if (url.path().endsWith(u"/tags"_s))
                        most = std::max(most, s.scheduler->stats().inFlight);
                });

        // When every page is fetched
        const Page all = watcher.rest();

        // Then every tag came, newest artifact first, from one tags request per artifact
        QVERIFY2(all.problem.isEmpty(), qPrintable(all.problem));
        QVERIFY2(!all.error.isError(), qPrintable(all.error.message));
        QCOMPARE(all.names, reversed(m_manyTags));
        QCOMPARE(tagsRequests(*m_harbor, u"many"_s).size(), ManyArtifacts);
        QCOMPARE(m_harbor->pathCount(artifactsPath(u"many"_s)), 1);
        // And those requests ran side by side, never more at once than allowed
        QCOMPARE(most, mostAtOnce);
    }

    void deletedArtifactIsSkipped()
    {
        // Given x1, x2, x3 (newest), and x2 deleted right after Harbor answered the artifacts
        // page (the answer still lists it)
        Stack s = stack(m_harbor->host());
        connectAndReset(s);
        const QString x2 = digestOf(u"vanishing"_s, u"x2"_s);
        const QString x2Tags = artifactsPath(u"vanishing"_s) + u'/' + x2 + u"/tags"_s;
        QVERIFY(!x2.isEmpty());
        int x2TagsStatus = 0;
        QObject context;
        connect(m_harbor.get(), &HarborServer::requestHandled, &context,
                [this, &x2, &x2TagsStatus, &x2Tags](const QByteArray &, const QString &path,
                                                    int status) {
                    Test::HarborStore &store = m_harbor->store();
                    const Test::HarborRepository *repo
                            = store.repository(project + u"/vanishing"_s);
                    if (path == artifactsPath(u"vanishing"_s)) {
                        if (Test::HarborArtifact *artifact = store.artifact(repo->id, x2))
                            store.removeArtifact(artifact->id);
                    } else if (path == x2Tags) {
                        x2TagsStatus = status;
                    }
                });
        const std::unique_ptr<Pager> pager
                = tagPager(s, project + u"/vanishing"_s, byPushTime(true));
        QVERIFY(pager);
        PageWatcher watcher(pager.get());

        // When the listing is fetched
        const Page page = watcher.next();

        // Then x2's tags were asked for and answered 404, and the page simply lacks it
        QCOMPARE(x2TagsStatus, 404);
        verifyLastPage(page, {u"x3"_s, u"x1"_s}, *pager);
        QCOMPARE(pager->totalCount(), 2);
    }

    void tagsPageErrorFailsThePage()
    {
        // Given an anonymous client, and project pager made private as soon as Harbor answered
        // the first tags page (C's): the tags pages of B and A then get 401.
        // (A FaultProxy cannot stand in front of the Harbor test server: it ends each answer at
        // the upstream connection's close, which Qt's HTTP server never does.)
        Stack s = stack(m_harbor->host(), Login::Anonymous);
        Test::HarborProject *pagerProject = m_harbor->store().project(project);
        QVERIFY(pagerProject);
        const auto publicAgain = qScopeGuard([pagerProject] { pagerProject->isPublic = true; });
        bool madePrivate = false;
        QObject context;
        const QMetaObject::Connection watch
                = connect(m_harbor.get(), &HarborServer::requestHandled, &context,
                          [&](const QByteArray &, const QString &path, int) {
                              if (!madePrivate && isTagsRequest({path, {}}, u"mixed"_s)) {
                                  madePrivate = true;
                                  pagerProject->isPublic = false;
                              }
                          });
        const std::unique_ptr<Pager> pager = tagPager(s, project + u"/mixed"_s, byPushTime(true));
        QVERIFY(pager);
        PageWatcher watcher(pager.get());

        // When the first page is fetched
        const Page failed = watcher.next();

        // Then it fails (once, no page) with a message naming the artifact being listed
        QVERIFY(madePrivate);
        QVERIFY2(failed.problem.isEmpty(), qPrintable(failed.problem));
        QCOMPARE(failed.error.code, ErrorCode::Unauthorized);
        QCOMPARE(failed.error.httpStatus, 401);
        const QString prefix = u"Listing tags of pager/mixed@"_s;
        QVERIFY2(failed.error.message.startsWith(prefix + digestOf(u"mixed"_s, u"v2.0"_s))
                         || failed.error.message.startsWith(prefix
                                                            + digestOf(u"mixed"_s, u"v1.0"_s)),
                 qPrintable(failed.error.message));
        QVERIFY(!pager->isFetching());
        QVERIFY(pager->hasMore());

        // When the project is public again and fetchNext() is called
        disconnect(watch);
        pagerProject->isPublic = true;
        const Page retried = watcher.next();

        // Then the listing goes on: every tag once, in order
        verifyLastPage(retried, mixedNewestFirst, *pager);
    }

    void cancelDropsThePageInFlight_data()
    {
        QTest::addColumn<QString>("cancelAt");
        // The request whose arrival at Harbor triggers cancel(): its answer is written only
        // after the handler returned, so the pager cannot have it yet.
        QTest::newRow("artifacts page in flight") << u"artifacts"_s;
        QTest::newRow("tags page in flight") << u"tags"_s;
    }
    void cancelDropsThePageInFlight()
    {
        QFETCH(QString, cancelAt);
        // Given the push-time pager of pager/mixed, cancelled when Harbor sees that request
        Stack s = stack(m_harbor->host());
        connectAndReset(s);
        const std::unique_ptr<Pager> pager = tagPager(s, project + u"/mixed"_s, byPushTime(true));
        QVERIFY(pager);
        PageWatcher watcher(pager.get());
        bool cancelled = false;
        bool fetchingAfterCancel = true;
        QObject context;
        connect(m_harbor.get(), &HarborServer::requestHandled, &context,
                [&](const QByteArray &, const QString &path, int) {
                    const bool hit = cancelAt == u"tags"_s ? isTagsRequest({path, {}}, u"mixed"_s)
                                                           : path == artifactsPath(u"mixed"_s);
                    if (hit && !cancelled) {
                        cancelled = true;
                        pager->cancel();
                        fetchingAfterCancel = pager->isFetching();
                    }
                });

        // When the first page is fetched and cancelled on its way
        pager->fetchNext();
        QTRY_VERIFY_WITH_TIMEOUT(cancelled, 30000);
        QVERIFY(!fetchingAfterCancel);

        // Then no signal follows for it (the answer arrives within a few ms uncancelled)
        QTest::qWait(500);
        QCOMPARE(watcher.strayEvents(), 0);
        QVERIFY(!pager->isFetching());
        QVERIFY(pager->hasMore());

        // When fetchNext() is called again (the handler cancels once only)
        const Page page = watcher.next();

        // Then the page comes whole
        verifyLastPage(page, mixedNewestFirst, *pager);
    }

    void cancelDropsThePageInHand()
    {
        // Given the 250-tag pager with pages of 10: the first tags page holds ten pages
        Stack s = stack(m_harbor->host());
        const std::unique_ptr<Pager> pager = tagPager(s, project + u"/big"_s, byPushTime(true));
        QVERIFY(pager);
        pager->setPageSize(10);
        PageWatcher watcher(pager.get());
        const QStringList expected = reversed(m_bigTags);
        const Page first = watcher.next();
        QVERIFY2(first.problem.isEmpty(), qPrintable(first.problem));
        QCOMPARE(first.names, expected.mid(0, 10));

        // When the second page, already in memory, is cancelled before the event loop runs
        pager->fetchNext();
        pager->cancel();

        // Then no signal follows
        QVERIFY(!pager->isFetching());
        QTest::qWait(300);
        QCOMPARE(watcher.strayEvents(), 0);

        // And the next fetchNext() hands out that page: nothing lost, nothing twice
        const Page second = watcher.next();
        QVERIFY2(second.problem.isEmpty(), qPrintable(second.problem));
        QCOMPARE(second.names, expected.mid(10, 10));
    }

    void repositoryWithoutProjectFails_data()
    {
        QTest::addColumn<QString>("repository");
        QTest::newRow("no slash") << u"mixed"_s;
        QTest::newRow("leading slash") << u"/mixed"_s;
        QTest::newRow("trailing slash") << u"pager/"_s;
    }
    void repositoryWithoutProjectFails()
    {
        QFETCH(QString, repository);
        // Given the pager for a name Harbor cannot place in a project
        Stack s = stack(m_harbor->host());
        connectAndReset(s);
        const std::unique_ptr<Pager> pager = tagPager(s, repository, byPushTime(true));
        QVERIFY(pager);
        PageWatcher watcher(pager.get());

        // When a page is fetched
        const Page page = watcher.next();

        // Then it fails from the event loop (the watcher checks) with InvalidInput naming it,
        // and nothing was sent
        QVERIFY2(page.problem.isEmpty(), qPrintable(page.problem));
        QCOMPARE(page.error.code, ErrorCode::InvalidInput);
        QVERIFY2(page.error.message.contains(repository), qPrintable(page.error.message));
        QCOMPARE(m_harbor->requestCount(), 0);
        QVERIFY(!pager->isFetching());

        // When the next fetchNext() is cancelled before the event loop runs
        pager->fetchNext();
        pager->cancel();

        // Then no signal follows for it (Pager::cancel()), as for any other page
        QVERIFY(!pager->isFetching());
        QTest::qWait(300);
        QCOMPARE(watcher.strayEvents(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_HarborTagPager)
#include "tst_harbortagpager.moc"
