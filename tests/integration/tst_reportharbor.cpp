// Harbor reports: the report engine (ReportJob on a Harbor session's MetadataService) and
// `berth export --kind harbor` against the Harbor test server in both flavours (2.x, 1.x) in
// front of the real registry. The Harbor columns (pushed, pulled never/at, labels,
// vulnerabilities) are checked field by field against what the server's store holds; the cost
// of the extras (from listing pages on 2.x, per tag for selections and on 1.x), `--sort pushed`
// in both directions, the column chooser on Harbor columns, and the CLI's usage errors.

#include "berthprocess.h"
#include "reporttestutil.h"

#include "harborserver.h"
#include "imageseeder.h"
#include "registryprocess.h"

#include "jobwait.h"
#include "models/report/reportjob.h"
#include "models/session/registrysession.h"
#include "models/session/sessionopener.h"
#include "models/tags/naturalcompare.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QBuffer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QTextTable>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

const QString Project = u"lib"_s;
const QString Repository = u"app"_s;
const QString FullName = u"lib/app"_s;

//! The admin on a Harbor test server, over plain HTTP.
RegistryEndpoint endpointFor(HarborServer *harbor)
{
    RegistryEndpoint endpoint;
    endpoint.host = harbor->host();
    endpoint.scheme = RegistryEndpoint::Scheme::Http;
    endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
    endpoint.credentials = Credentials{
            QString(HarborServer::adminName), QString(HarborServer::adminPassword), {}};
    return endpoint;
}

struct Outcome
{
    Error error;
    QByteArray bytes;
    qint64 listedExtrasUsed = 0; //!< extras taken from listing pages
    qint64 extrasRequested = 0;  //!< extras asked per tag of the session's MetadataService
    qint64 extrasFetched = 0;    //!< of those, fetched from the server
};

//! What the server's store holds for one tag, as the report should show it.
struct Expected
{
    QString digest;
    QDateTime pushed;
    QDateTime pulled; //!< invalid = never
    QStringList labels;
    bool scanned = false;
    QMap<QString, int> vulnerabilities;

    QString vulnerabilitiesText() const
    {
        if (!scanned)
            return {};
        QStringList parts;
        for (auto it = vulnerabilities.cbegin(); it != vulnerabilities.cend(); ++it)
            parts.append(it.key() + u'=' + QString::number(it.value()));
        return parts.isEmpty() ? u"none"_s : parts.join(u';');
    }
};

QStringList sortedSplit(const QString &text)
{
    QStringList parts = text.split(u';', Qt::SkipEmptyParts);
    parts.sort();
    return parts;
}

} // namespace

Q_DECLARE_METATYPE(HarborServer::Flavour)

class TestReportHarbor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void columnsFromListingPages_data() { flavours(); }
    void columnsFromListingPages();
    void jsonHarborFields_data() { flavours(); }
    void jsonHarborFields();
    void sortByPushTime_data();
    void sortByPushTime();
    void selectionFetchesPerTag();
    void chosenHarborColumns();
    void markdownAndHtmlHaveHarborColumns();
    void cliExport_data() { flavours(); }
    void cliExport();
    void cliUsageErrors_data();
    void cliUsageErrors();
    void cliHelpNamesTheOptions();

private:
    static void flavours()
    {
        QTest::addColumn<HarborServer::Flavour>("flavour");
        QTest::newRow("2.x") << HarborServer::Flavour::V2;
        QTest::newRow("1.x") << HarborServer::Flavour::V1;
    }
    HarborServer *server(HarborServer::Flavour flavour) const
    {
        return flavour == HarborServer::Flavour::V2 ? m_v2.get() : m_v1.get();
    }
    Outcome run(HarborServer *harbor, ReportOptions options);
    Expected expected(HarborServer *harbor, const QString &tag) const;
    //! The report's tags ordered by the store's push time (ties in tag order).
    QStringList byPushTime(HarborServer *harbor, Qt::SortOrder order) const;
    QString display(HarborServer *harbor) const { return harbor->host() + u'/' + FullName; }
    using Run = BerthRun;
    Run berth(const QStringList &arguments, const QByteArray &input = {});

    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<HarborServer> m_v2;
    std::unique_ptr<HarborServer> m_v1;
    QHash<QString, SeededImage> m_byTag;
    QStringList m_tags; // natural order
    QTemporaryDir m_home;
};

void TestReportHarbor::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(m_home.isValid());
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));

    // Given two images (one with two tags) and a multi-arch index in the registry
    ImageSeeder seeder(m_registry->host());
    ImageSpec a;
    a.seed = 31;
    a.layers = 1;
    auto first = seeder.seedImage(FullName, a, {u"1.0"_s, u"latest"_s});
    QVERIFY2(first.ok(), qPrintable(first.error().toString()));
    ImageSpec b;
    b.seed = 32;
    b.layers = 1;
    auto second = seeder.seedImage(FullName, b, {u"2.0"_s});
    QVERIFY2(second.ok(), qPrintable(second.error().toString()));
    IndexSpec index;
    ImageSpec arm;
    arm.seed = 34;
    arm.architecture = u"arm64"_s;
    ImageSpec amd;
    amd.seed = 33;
    index.platforms = {amd, arm};
    auto multi = seeder.seedIndex(FullName, index, {u"multi"_s});
    QVERIFY2(multi.ok(), qPrintable(multi.error().toString()));
    for (const SeededImage &seeded : {*first, *second, *multi}) {
        for (const QString &tag : seeded.tags)
            m_byTag.insert(tag, seeded);
    }
    m_tags = m_byTag.keys();
    std::sort(m_tags.begin(), m_tags.end(),
              [](const QString &x, const QString &y) { return naturalCompare(x, y) < 0; });

    // And both Harbors holding them with push/pull times, labels and scan overviews
    const auto at = [](int year, int month, int day) {
        return QDateTime(QDate(year, month, day), QTime(10, 30), Qt::UTC);
    };
    for (auto *harbor : {&m_v2, &m_v1}) {
        *harbor = std::make_unique<HarborServer>(m_registry.get(),
                                                 harbor == &m_v2 ? HarborServer::Flavour::V2
                                                                 : HarborServer::Flavour::V1);
        HarborServer *h = harbor->get();
        QVERIFY2(h->start(&error), qPrintable(error));
        h->createProject(Project, true);
        QVERIFY2(h->importFromRegistry(&error), qPrintable(error));
        // Push order differs from name order; "1.0" and "multi" were pulled, the others never.
        QVERIFY(h->setTagTimes(Project, Repository, u"1.0"_s, at(2024, 1, 5), at(2024, 2, 1)));
        QVERIFY(h->setTagTimes(Project, Repository, u"latest"_s, at(2024, 3, 1)));
        QVERIFY(h->setTagTimes(Project, Repository, u"2.0"_s, at(2024, 2, 10)));
        QVERIFY(h->setTagTimes(Project, Repository, u"multi"_s, at(2023, 12, 24), at(2024, 4, 2)));
        const qint64 qa = h->createLabel(u"qa"_s);
        const qint64 prod = h->createLabel(u"prod"_s, u"#C92100"_s);
        QVERIFY(h->attachLabel(Project, Repository, u"1.0"_s, qa));
        QVERIFY(h->attachLabel(Project, Repository, u"1.0"_s, prod));
        QVERIFY(h->attachLabel(Project, Repository, u"2.0"_s, qa));
        Test::HarborScanOverview dirty;
        dirty.severity = u"High"_s;
        dirty.total = 3;
        dirty.fixable = 1;
        dirty.summary = {{u"High"_s, 1}, {u"Low"_s, 2}};
        QVERIFY(h->setScanOverview(Project, Repository, u"2.0"_s, dirty));
        Test::HarborScanOverview clean; // severity None, nothing found
        QVERIFY(h->setScanOverview(Project, Repository, u"1.0"_s, clean));
        // "multi" is never scanned.
    }
}

Outcome TestReportHarbor::run(HarborServer *harbor, ReportOptions options)
{
    // A fresh session each time (nothing remembered from an earlier report), opened as
    // `--kind harbor` opens it: the generation is detected when connecting.
    Outcome outcome;
    NetworkAccessManager nam;
    RequestScheduler scheduler(&nam);
    QObject sessions;
    SessionOptions sessionOptions;
    sessionOptions.kind = BackendKind::Harbor;
    const Result<RegistrySession *> session = waitFor(
            openSession(endpointFor(harbor), sessionOptions, &scheduler, &sessions, nullptr));
    if (!session.ok()) {
        outcome.error = session.error();
        return outcome;
    }
    options.repository = FullName;
    options.repositoryDisplayName = display(harbor);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    ReportJob job(session.value()->metadata(), options);
    QSignalSpy finished(&job, &ReportJob::finished);
    job.start(&buffer);
    if (!finished.wait(60000)) {
        outcome.error = Error(ErrorCode::Timeout, u"report did not finish"_s);
        return outcome;
    }
    outcome.error = finished.constFirst().constFirst().value<Error>();
    outcome.bytes = buffer.data();
    outcome.listedExtrasUsed = job.listedExtrasUsed();
    outcome.extrasRequested = job.extrasRequested();
    outcome.extrasFetched = qint64(session.value()->metadata()->extrasFetches());
    return outcome;
}

Expected TestReportHarbor::expected(HarborServer *harbor, const QString &tag) const
{
    Expected e;
    Test::HarborStore &store = harbor->store();
    const Test::HarborRepository *repository = store.repository(FullName);
    if (!repository)
        return e;
    const Test::HarborTag *t = store.tag(repository->id, tag);
    if (!t)
        return e;
    const Test::HarborArtifact *artifact = store.artifactById(t->artifactId);
    if (!artifact)
        return e;
    e.digest = artifact->digest;
    e.pushed = t->pushTime;
    e.pulled = t->pullTime;
    for (qint64 id : artifact->labelIds) {
        if (const Test::HarborLabel *label = store.label(id))
            e.labels.append(label->name);
    }
    if (artifact->scan && artifact->scan->scanStatus == u"Success") {
        e.scanned = true;
        for (auto it = artifact->scan->summary.cbegin(); it != artifact->scan->summary.cend();
             ++it) {
            if (it.value() > 0)
                e.vulnerabilities.insert(it.key(), it.value());
        }
    }
    return e;
}

QStringList TestReportHarbor::byPushTime(HarborServer *harbor, Qt::SortOrder order) const
{
    QStringList tags = m_tags;
    std::stable_sort(tags.begin(), tags.end(), [&](const QString &x, const QString &y) {
        const QDateTime px = expected(harbor, x).pushed, py = expected(harbor, y).pushed;
        return order == Qt::DescendingOrder ? px > py : px < py;
    });
    return tags;
}

void TestReportHarbor::columnsFromListingPages()
{
    QFETCH(HarborServer::Flavour, flavour);
    HarborServer *harbor = server(flavour);

    // When a CSV report of the whole repository is made with the default columns
    ReportOptions options;
    const Outcome out = run(harbor, options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));

    // Then the header has Harbor's four columns after the common ones
    QString error;
    const QList<QStringList> records = parseCsv(QString::fromUtf8(out.bytes), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(records.constFirst().join(u','),
             u"repository,tag,digest,kind,media_type,platforms,size_bytes,created,pushed,pulled,"
             "labels,vulnerabilities"_s);
    QCOMPARE(records.size() - 1, m_tags.size());

    // And every field matches the registry's images and the Harbor store
    for (qsizetype i = 1; i < records.size(); ++i) {
        const QStringList &r = records.at(i);
        QCOMPARE(r.size(), 12);
        const QString tag = r.at(1);
        QCOMPARE(tag, m_tags.at(i - 1));
        const SeededImage &seeded = m_byTag.value(tag);
        const Expected e = expected(harbor, tag);
        QCOMPARE(r.at(0), display(harbor));
        QCOMPARE(r.at(2), seeded.digest);
        QCOMPARE(e.digest, seeded.digest);
        QCOMPARE(r.at(3), artifactKindText(seeded.kind));
        QCOMPARE(r.at(5), expectedPlatforms(seeded).join(u';'));
        QCOMPARE(r.at(6), QString::number(seeded.size));
        QCOMPARE(r.at(8), expectedTime(e.pushed));
        QVERIFY(!r.at(8).isEmpty());
        QCOMPARE(r.at(9), expectedTime(e.pulled)); // empty = never pulled
        QCOMPARE(sortedSplit(r.at(10)), [&] {
            QStringList l = e.labels;
            l.sort();
            return l;
        }());
        QCOMPARE(r.at(11), e.vulnerabilitiesText());
    }
    // (the fixture really has both pull states, both scan states and labels)
    QCOMPARE(records.at(m_tags.indexOf(u"latest"_s) + 1).at(9), QString());
    QVERIFY(!records.at(m_tags.indexOf(u"1.0"_s) + 1).at(9).isEmpty());
    QCOMPARE(records.at(m_tags.indexOf(u"1.0"_s) + 1).at(11), u"none"_s);
    QCOMPARE(records.at(m_tags.indexOf(u"2.0"_s) + 1).at(11), u"High=1;Low=2"_s);
    QCOMPARE(records.at(m_tags.indexOf(u"multi"_s) + 1).at(11), QString());

    // And the extras cost: 2.x takes them from the listing pages, 1.x asks per tag
    if (flavour == HarborServer::Flavour::V2) {
        QCOMPARE(out.listedExtrasUsed, m_tags.size());
        QCOMPARE(out.extrasRequested, 0);
    } else {
        QCOMPARE(out.listedExtrasUsed, 0);
        QCOMPARE(out.extrasRequested, m_tags.size());
    }
    // (a fresh session remembers nothing: every tag asked cost one request of the server)
    QCOMPARE(out.extrasFetched, out.extrasRequested);
}

void TestReportHarbor::jsonHarborFields()
{
    QFETCH(HarborServer::Flavour, flavour);
    HarborServer *harbor = server(flavour);
    ReportOptions options;
    options.format = ReportFormat::Json;
    const Outcome out = run(harbor, options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    QJsonParseError parseError;
    const QJsonObject root = QJsonDocument::fromJson(out.bytes, &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));

    // Then it is valid against the schema and names every column
    const QStringList problems = MiniSchemaValidator(loadReportSchema()).validate(root);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    QCOMPARE(root.value(u"columns"_s).toArray().size(), 12);
    QCOMPARE(root.value(u"order"_s).toString(), u"asc"_s);

    // And "harbor" holds the store's values: null for never pulled and for not scanned
    const QJsonArray tags = root.value(u"tags"_s).toArray();
    QCOMPARE(tags.size(), m_tags.size());
    for (const QJsonValue &value : tags) {
        const QJsonObject entry = value.toObject();
        const QString tag = entry.value(u"tag"_s).toString();
        const Expected e = expected(harbor, tag);
        const QJsonObject h = entry.value(u"harbor"_s).toObject();
        QCOMPARE(h.value(u"pushed"_s).toString(), expectedTime(e.pushed));
        if (e.pulled.isValid())
            QCOMPARE(h.value(u"pulled"_s).toString(), expectedTime(e.pulled));
        else
            QVERIFY2(h.value(u"pulled"_s).isNull(), qPrintable(tag));
        QStringList labels;
        for (const QJsonValue &l : h.value(u"labels"_s).toArray())
            labels.append(l.toString());
        labels.sort();
        QStringList expectedLabels = e.labels;
        expectedLabels.sort();
        QCOMPARE(labels, expectedLabels);
        if (!e.scanned) {
            QVERIFY(h.value(u"vulnerabilities"_s).isNull());
        } else {
            const QJsonObject v = h.value(u"vulnerabilities"_s).toObject();
            QVERIFY(h.value(u"vulnerabilities"_s).isObject());
            QCOMPARE(v.size(), e.vulnerabilities.size());
            for (auto it = e.vulnerabilities.cbegin(); it != e.vulnerabilities.cend(); ++it)
                QCOMPARE(v.value(it.key()).toInt(), it.value());
        }
    }
}

void TestReportHarbor::sortByPushTime_data()
{
    QTest::addColumn<HarborServer::Flavour>("flavour");
    QTest::addColumn<bool>("ascending");
    QTest::newRow("2.x newest first") << HarborServer::Flavour::V2 << false;
    QTest::newRow("2.x oldest first") << HarborServer::Flavour::V2 << true;
    QTest::newRow("1.x newest first") << HarborServer::Flavour::V1 << false;
}

void TestReportHarbor::sortByPushTime()
{
    QFETCH(HarborServer::Flavour, flavour);
    QFETCH(bool, ascending);
    HarborServer *harbor = server(flavour);
    ReportOptions options;
    options.sort = ReportSort::Pushed;
    if (ascending)
        options.order = Qt::AscendingOrder;
    const Outcome out = run(harbor, options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    const QList<QStringList> records = parseCsv(QString::fromUtf8(out.bytes));
    QStringList got;
    for (qsizetype i = 1; i < records.size(); ++i)
        got.append(records.at(i).at(1));
    const QStringList want
            = byPushTime(harbor, ascending ? Qt::AscendingOrder : Qt::DescendingOrder);
    QCOMPARE(got, want);
    // (push order is not name order, so this tells the sorts apart)
    QVERIFY(want != m_tags);
}

void TestReportHarbor::selectionFetchesPerTag()
{
    // Given an explicit selection on 2.x, no listing brings the extras along
    HarborServer *harbor = m_v2.get();
    ReportOptions options;
    options.tags = {u"multi"_s, u"2.0"_s};
    const Outcome out = run(harbor, options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    QCOMPARE(out.listedExtrasUsed, 0);
    QCOMPARE(out.extrasRequested, 2);
    const QList<QStringList> records = parseCsv(QString::fromUtf8(out.bytes));
    QCOMPARE(records.size(), 3);
    for (qsizetype i = 1; i < records.size(); ++i) {
        const Expected e = expected(harbor, records.at(i).at(1));
        QCOMPARE(records.at(i).at(8), expectedTime(e.pushed));
        QCOMPARE(records.at(i).at(9), expectedTime(e.pulled));
        QCOMPARE(records.at(i).at(11), e.vulnerabilitiesText());
    }
}

void TestReportHarbor::chosenHarborColumns()
{
    HarborServer *harbor = m_v2.get();
    ReportOptions options;
    options.columns = {ReportColumn::Tag, ReportColumn::Vulnerabilities, ReportColumn::Pulled};

    // CSV: exactly the chosen columns, in the order given
    const Outcome csv = run(harbor, options);
    QVERIFY2(!csv.error.isError(), qPrintable(csv.error.toString()));
    const QList<QStringList> records = parseCsv(QString::fromUtf8(csv.bytes));
    QCOMPARE(records.constFirst(), (QStringList{u"tag"_s, u"vulnerabilities"_s, u"pulled"_s}));
    for (qsizetype i = 1; i < records.size(); ++i) {
        const Expected e = expected(harbor, records.at(i).at(0));
        QCOMPARE(records.at(i).size(), 3);
        QCOMPARE(records.at(i).at(1), e.vulnerabilitiesText());
        QCOMPARE(records.at(i).at(2), expectedTime(e.pulled));
    }

    // JSON: "harbor" holds only the chosen fields; the schema still holds
    options.format = ReportFormat::Json;
    const Outcome json = run(harbor, options);
    QVERIFY2(!json.error.isError(), qPrintable(json.error.toString()));
    const QJsonObject root = QJsonDocument::fromJson(json.bytes).object();
    const QStringList problems = MiniSchemaValidator(loadReportSchema()).validate(root);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    for (const QJsonValue &value : root.value(u"tags"_s).toArray()) {
        const QJsonObject entry = value.toObject();
        QCOMPARE(entry.keys(), (QStringList{u"harbor"_s, u"tag"_s}));
        QCOMPARE(entry.value(u"harbor"_s).toObject().keys(),
                 (QStringList{u"pulled"_s, u"vulnerabilities"_s}));
    }

    // Without Harbor columns and not sorted by push time, no extras are fetched at all
    options.format = ReportFormat::Csv;
    options.columns = {ReportColumn::Tag, ReportColumn::Digest};
    const Outcome plain = run(harbor, options);
    QVERIFY2(!plain.error.isError(), qPrintable(plain.error.toString()));
    QCOMPARE(plain.listedExtrasUsed + plain.extrasRequested, 0);
    QCOMPARE(parseCsv(QString::fromUtf8(plain.bytes)).constFirst().join(u','), u"tag,digest"_s);
}

void TestReportHarbor::markdownAndHtmlHaveHarborColumns()
{
    HarborServer *harbor = m_v2.get();
    ReportOptions options;
    options.format = ReportFormat::Markdown;
    const Outcome md = run(harbor, options);
    QVERIFY2(!md.error.isError(), qPrintable(md.error.toString()));
    const QStringList lines = QString::fromUtf8(md.bytes).split(u'\n', Qt::SkipEmptyParts);
    const qsizetype header = lines.indexOf(
            u"| repository | tag | digest | kind | media_type | platforms | size_bytes | created "
            "| pushed | pulled | labels | vulnerabilities |"_s);
    QVERIFY(header > 0);
    QCOMPARE(lines.size() - header - 2, m_tags.size());
    const QString twoLine = lines.at(header + 2 + m_tags.indexOf(u"2.0"_s));
    QVERIFY2(twoLine.endsWith(u"| qa | High=1;Low=2 |"_s), qPrintable(twoLine));

    options.format = ReportFormat::Html;
    const Outcome html = run(harbor, options);
    QVERIFY2(!html.error.isError(), qPrintable(html.error.toString()));
    QTextDocument document;
    document.setHtml(QString::fromUtf8(html.bytes));
    QTextTable *table = nullptr;
    for (QTextFrame *frame : document.rootFrame()->childFrames()) {
        if ((table = qobject_cast<QTextTable *>(frame)))
            break;
    }
    QVERIFY(table);
    // The repository is the page's title, not a column: 7 + Harbor's 4
    QCOMPARE(table->columns(), 11);
    QCOMPARE(table->rows(), m_tags.size() + 1);
    const auto text = [table](int row, int column) {
        QTextCursor cursor = table->cellAt(row, column).firstCursorPosition();
        cursor.setPosition(table->cellAt(row, column).lastCursorPosition().position(),
                           QTextCursor::KeepAnchor);
        return cursor.selectedText().replace(QChar(0x00A0), u' ').trimmed();
    };
    QStringList headers;
    for (int c = 7; c < 11; ++c)
        headers.append(text(0, c));
    QCOMPARE(headers, (QStringList{u"Pushed"_s, u"Pulled"_s, u"Labels"_s, u"Vulnerabilities"_s}));
    for (int r = 1; r < table->rows(); ++r) {
        const Expected e = expected(harbor, text(r, 0));
        QCOMPARE(text(r, 7), expectedTime(e.pushed));
        QCOMPARE(text(r, 8), expectedTime(e.pulled));
        QCOMPARE(text(r, 10), e.vulnerabilitiesText());
    }
}

TestReportHarbor::Run TestReportHarbor::berth(const QStringList &arguments, const QByteArray &input)
{
    return runBerth(QStringLiteral(BERTH_BINARY), arguments, input, QDir(m_home.path()));
}

void TestReportHarbor::cliExport()
{
    QFETCH(HarborServer::Flavour, flavour);
    HarborServer *harbor = server(flavour);

    // When berth export runs against Harbor, sorted by push time, oldest first
    const Run run = berth(
            {u"export"_s, u"--kind"_s, u"harbor"_s, u"--plain-http"_s, u"--username"_s,
             QString(HarborServer::adminName), u"--password-stdin"_s, u"--sort"_s, u"pushed"_s,
             u"--order"_s, u"asc"_s, display(harbor)},
            QByteArray(HarborServer::adminPassword.data(), HarborServer::adminPassword.size())
                    + '\n');
    QVERIFY2(run.code == 0, run.err.constData());
    QVERIFY(!run.out.contains("Harbor12345"));
    QVERIFY(!run.err.contains("Harbor12345"));

    // Then stdout is the CSV with Harbor's columns, in push order, matching the store
    const QList<QStringList> records = parseCsv(QString::fromUtf8(run.out));
    QCOMPARE(records.constFirst().join(u','),
             u"repository,tag,digest,kind,media_type,platforms,size_bytes,created,pushed,pulled,"
             "labels,vulnerabilities"_s);
    QStringList got;
    for (qsizetype i = 1; i < records.size(); ++i) {
        const QStringList &r = records.at(i);
        const Expected e = expected(harbor, r.at(1));
        QCOMPARE(r.at(2), e.digest);
        QCOMPARE(r.at(8), expectedTime(e.pushed));
        QCOMPARE(r.at(9), expectedTime(e.pulled));
        QCOMPARE(r.at(11), e.vulnerabilitiesText());
        got.append(r.at(1));
    }
    QCOMPARE(got, byPushTime(harbor, Qt::AscendingOrder));

    // And --columns picks Harbor columns too, on a Harbor found by detection (no --kind)
    const Run chosen = berth({u"export"_s, u"--plain-http"_s, u"--columns"_s, u"tag,labels"_s,
                              u"--order"_s, u"desc"_s, display(harbor)});
    QVERIFY2(chosen.code == 0, chosen.err.constData());
    const QList<QStringList> rows = parseCsv(QString::fromUtf8(chosen.out));
    QCOMPARE(rows.constFirst().join(u','), u"tag,labels"_s);
    QCOMPARE(rows.size() - 1, m_tags.size());
    QCOMPARE(rows.at(1).at(0), m_tags.constLast()); // tag order, descending
}

void TestReportHarbor::cliUsageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("message");
    // A plain registry has no Harbor columns: refused before any request.
    QTest::newRow("sort pushed on a registry")
            << QStringList{u"--sort"_s, u"pushed"_s} << QByteArray("--sort pushed");
    QTest::newRow("harbor column on a registry")
            << QStringList{u"--columns"_s, u"tag,pulled"_s} << QByteArray("pulled");
    QTest::newRow("unknown column")
            << QStringList{u"--columns"_s, u"tag,size"_s} << QByteArray("unknown column \"size\"");
    QTest::newRow("repeated column")
            << QStringList{u"--columns"_s, u"tag,tag"_s} << QByteArray("twice");
    QTest::newRow("no column") << QStringList{u"--columns"_s, u","_s} << QByteArray("no columns");
    QTest::newRow("bad order") << QStringList{u"--order"_s, u"up"_s} << QByteArray("order");
}

void TestReportHarbor::cliUsageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, message);
    const Run run = berth(QStringList{u"export"_s, u"--plain-http"_s} + arguments
                          + QStringList{m_registry->host() + u"/lib/app"_s});
    QCOMPARE(run.code, 2);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains(message), run.err.constData());
}

void TestReportHarbor::cliHelpNamesTheOptions()
{
    const Run help = berth({u"export"_s, u"--help"_s});
    QCOMPARE(help.code, 0);
    for (const QByteArray &option : {"--order <direction>"_ba, "--columns <list>"_ba,
                                     "asc or desc"_ba, "size_bytes"_ba, "vulnerabilities"_ba})
        QVERIFY2(help.out.contains(option), option.constData());
}

QTEST_MAIN(TestReportHarbor)
#include "tst_reportharbor.moc"
