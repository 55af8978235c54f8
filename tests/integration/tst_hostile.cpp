// A hostile registry (tests/fixtures/hostileregistry.h) lists tag names that try to steer the
// terminal, fake lines, leave /v2/ and run as spreadsheet formulas or HTML, drips, stalls, stays
// silent, asks to come back in a day and serves a config that fails its digest: berth shows
// names as data, refuses to act on bad ones, never sends a request for them, ends within its
// deadline and says what went wrong with exit 1.

#include "berthprocess.h"
#include "hostileregistry.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth::Test;

namespace {

//! Splits RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of cells.
QList<QStringList> parseCsv(const QString &text)
{
    QList<QStringList> rows;
    QStringList row;
    QString cell;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text.at(i + 1) == u'"') {
                cell += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            row.append(cell);
            cell.clear();
        } else if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n') {
            row.append(cell);
            rows.append(row);
            row.clear();
            cell.clear();
            ++i;
        } else {
            cell += c;
        }
    }
    return rows;
}

} // namespace

class TestHostile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tagNamesAreShownNotObeyed();
    void refusedNamesAreNeverRequested();
    void csvCellsAreNeutralisedAndMarkdownEscaped();
    void slowServersEndWithinTheDeadline_data();
    void slowServersEndWithinTheDeadline();
    void aHugeRetryAfterIsNotWaitedOut();
    void badTimeoutIsAUsageError();
    void aConfigFailingItsDigestCheckMakesTheReportFail();

private:
    BerthRun berth(const QStringList &arguments);
    QString repository() const { return m_server.host() + u"/app"_s; }

    HostileRegistry m_server;
    QTemporaryDir m_home;
};

void TestHostile::initTestCase()
{
    QVERIFY(m_home.isValid());
    QVERIFY(m_server.listen());
}

BerthRun TestHostile::berth(const QStringList &arguments)
{
    // --kind registry: no Harbor detection probe, so every request berth sends is for the names.
    return runBerth(QStringLiteral(BERTH_BINARY),
                    arguments.mid(0, 1) + QStringList{u"--plain-http"_s, u"--kind"_s, u"registry"_s}
                            + arguments.mid(1),
                    {}, QDir(m_home.path()), 60000);
}

void TestHostile::tagNamesAreShownNotObeyed()
{
    // When the tags are listed
    const BerthRun run = berth({u"tags"_s, repository()});
    QVERIFY2(run.code == 0, run.err.constData());

    // Then each is one line, with no byte a terminal would obey
    const QList<QByteArray> lines = run.out.trimmed().split('\n');
    QCOMPARE(lines.size(), HostileRegistry::hostileTags().size());
    QVERIFY(!run.out.contains('\x1b') && !run.out.contains('\r'));
    QVERIFY(lines.contains(QByteArrayLiteral("a\\r\\nb")));
    QVERIFY(lines.contains(QByteArrayLiteral("\\x1b[31mred\\x1b[0m")));
    // And the invalid ones are flagged on standard error, made visible too
    QVERIFY2(run.err.contains("6 name(s) the server listed are not valid tag names"),
             run.err.constData());
    QVERIFY(!run.err.contains('\x1b') && !run.err.contains('\r'));

    // And --json keeps the raw names (JSON escapes them)
    const BerthRun json = berth({u"tags"_s, repository(), u"--json"_s});
    QVERIFY2(json.code == 0, json.err.constData());
    QCOMPARE(QJsonDocument::fromJson(json.out).array().toVariantList().size(),
             HostileRegistry::hostileTags().size());
    QCOMPARE(QJsonDocument::fromJson(json.out).array().at(1).toString(),
             HostileRegistry::hostileTags().at(1));
}

void TestHostile::refusedNamesAreNeverRequested()
{
    // When one is inspected or removed
    m_server.clearRequests();
    const BerthRun inspect = berth({u"inspect"_s, repository() + u":=cmd"_s});
    QCOMPARE(inspect.code, 2); // a name the user typed: the reference grammar refuses it
    const BerthRun report = berth({u"export"_s, repository(), u"--format"_s, u"json"_s});
    QVERIFY(report.code != 0); // no row could be read ("ok" 404s too)

    // Then no request left /v2/ or named a refused tag
    for (const ScriptedHttpServer::Request &request : m_server.requests()) {
        QVERIFY2(request.path().startsWith(u"/v2/"_s), request.target.constData());
        QVERIFY2(!request.target.contains("other") && !request.target.contains("..")
                         && !request.target.contains("%1B") && !request.target.contains("cmd")
                         && !request.target.contains("script"),
                 request.target.constData());
    }
    // And the report names the refusal for each invalid tag, its rows kept
    const QJsonArray rows = QJsonDocument::fromJson(report.out).object()[u"tags"_s].toArray();
    int refused = 0;
    for (const QJsonValue &row : rows) {
        if (row[u"error"_s].toString().contains(u"refused"_s))
            ++refused;
    }
    QCOMPARE(refused, 6);
}

void TestHostile::csvCellsAreNeutralisedAndMarkdownEscaped()
{
    const BerthRun csv = berth({u"export"_s, repository(), u"--format"_s, u"csv"_s});
    QVERIFY(!csv.out.isEmpty());
    const QList<QStringList> rows = parseCsv(QString::fromUtf8(csv.out));
    QVERIFY(!rows.isEmpty());
    const qsizetype tagColumn = rows.constFirst().indexOf(u"tag"_s);
    QVERIFY(tagColumn >= 0);
    QStringList tags;
    for (qsizetype i = 1; i < rows.size(); ++i)
        tags.append(rows.at(i).value(tagColumn));
    QVERIFY2(tags.contains(u"'=cmd|' /C calc'!A0"_s), qPrintable(tags.join(u" | "_s)));
    QVERIFY(tags.contains(u"'+SUM(1+1)"_s));
    for (const QStringList &row : rows) {
        for (const QString &cell : row) {
            QVERIFY2(cell.isEmpty() || !QStringView(u"=+-@\t\r").contains(cell.front()),
                     qPrintable(cell));
        }
    }

    const BerthRun markdown = berth({u"export"_s, repository(), u"--format"_s, u"markdown"_s});
    QVERIFY(markdown.out.contains("&lt;script&gt;"));
    QVERIFY(!markdown.out.contains("<script>"));
    QVERIFY(!markdown.out.contains('\x1b'));
}

void TestHostile::slowServersEndWithinTheDeadline_data()
{
    QTest::addColumn<QString>("repositoryName");
    QTest::newRow("a byte a second") << u"drip"_s;
    QTest::newRow("a body that stops") << u"stall"_s;
    QTest::newRow("silence") << u"silent"_s;
}

void TestHostile::slowServersEndWithinTheDeadline()
{
    // Given a 3 s deadline (the silence timeout alone is 30 s, and the drip would take a minute)
    QFETCH(QString, repositoryName);
    QElapsedTimer clock;
    clock.start();
    const BerthRun run
            = berth({u"tags"_s, m_server.host() + u'/' + repositoryName, u"--timeout"_s, u"3"_s});
    // Then the command ends with exit 1 and says why, well before the slow server would have
    // let it (the bound is loose: only "not minutes" matters here)
    QCOMPARE(run.code, 1);
    QVERIFY2(run.err.contains("deadline"), run.err.constData());
    QVERIFY2(clock.elapsed() < 20000, qPrintable(QString::number(clock.elapsed())));
}

void TestHostile::aHugeRetryAfterIsNotWaitedOut()
{
    QElapsedTimer clock;
    clock.start();
    const BerthRun run = berth({u"tags"_s, m_server.host() + u"/busy"_s});
    QCOMPARE(run.code, 1);
    QVERIFY2(run.err.contains("the server asks to retry after 100000 s"), run.err.constData());
    QVERIFY2(clock.elapsed() < 20000, qPrintable(QString::number(clock.elapsed())));
}

void TestHostile::badTimeoutIsAUsageError()
{
    for (const QString &value : {u"0"_s, u"-1"_s, u"soon"_s}) {
        const BerthRun run = berth({u"tags"_s, repository(), u"--timeout"_s, value});
        QCOMPARE(run.code, 2);
        QVERIFY2(run.err.contains("--timeout"), run.err.constData());
    }
}

void TestHostile::aConfigFailingItsDigestCheckMakesTheReportFail()
{
    const BerthRun run
            = berth({u"export"_s, m_server.host() + u"/cfg"_s, u"--format"_s, u"json"_s});
    // Then the report exits 1 and says why, and the row stays, its warning naming the mismatch
    QCOMPARE(run.code, 1);
    QVERIFY2(run.err.contains("1 tag(s) failed a digest check"), run.err.constData());
    const QJsonArray rows = QJsonDocument::fromJson(run.out).object()[u"tags"_s].toArray();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.at(0)[u"tag"_s].toString(), u"v1"_s);
    const QString warnings = QString::fromUtf8(
            QJsonDocument(rows.at(0)[u"warnings"_s].toArray()).toJson(QJsonDocument::Compact));
    QVERIFY2(warnings.contains(u"config"_s) && warnings.contains(u"digest"_s, Qt::CaseInsensitive),
             qPrintable(warnings));
}

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
