// Text from a server is data: ServerText makes it visible and refuses names outside the OCI
// grammar; the CSV and Markdown writers neutralise what a spreadsheet or a viewer would obey.
#include "models/report/csvreportwriter.h"
#include "models/report/markdownreportwriter.h"
#include "net/core/servertext.h"

#include <QTest>

using namespace Berth;
using namespace Qt::StringLiterals;

class TestServerText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void visible_data();
    void visible();
    void names_data();
    void names();
    void csvCellsAreNeverFormulas_data();
    void csvCellsAreNeverFormulas();
    void markdownEscapesHtml();
};

void TestServerText::visible_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("shown");
    QTest::newRow("ordinary") << u"v1.2.3-alpine"_s << u"v1.2.3-alpine"_s;
    QTest::newRow("unicode stays") << u"café ☕"_s << u"café ☕"_s;
    QTest::newRow("fake line") << u"a\r\nb"_s << u"a\\r\\nb"_s;
    QTest::newRow("terminal escape") << u"\x1b[31mred\x1b[0m"_s << u"\\x1b[31mred\\x1b[0m"_s;
    QTest::newRow("nul and del") << QStringLiteral("a\0b\x7f").append(u'c') << u"a\\x00b\\x7fc"_s;
    QTest::newRow("c1 control") << QString(QChar(0x9b)) + u"2J"_s << u"\\u{9b}2J"_s;
    QTest::newRow("bidi override")
            << QString(QChar(0x202e)) + u"gpj.exe"_s << u"\\u{202e}gpj.exe"_s;
}

void TestServerText::visible()
{
    QFETCH(QString, text);
    QFETCH(QString, shown);
    QCOMPARE(ServerText::visible(text), shown);
    QCOMPARE(ServerText::hasInvisible(text), text != shown);
}

void TestServerText::names_data()
{
    QTest::addColumn<QString>("repository");
    QTest::addColumn<QString>("reference");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("tag") << u"team/app"_s << u"v1.0_rc-1"_s << true;
    QTest::newRow("digest") << u"team/app"_s << u"sha256:"_s + QString(64, u'a') << true;
    QTest::newRow("traversal") << u"team/app"_s << u"../../../other/manifests/1.0"_s << false;
    QTest::newRow("leading dot") << u"team/app"_s << u".hidden"_s << false;
    QTest::newRow("leading dash") << u"team/app"_s << u"-2+3"_s << false;
    QTest::newRow("formula") << u"team/app"_s << u"=cmd|' /C calc'!A0"_s << false;
    QTest::newRow("slash") << u"team/app"_s << u"a/b"_s << false;
    QTest::newRow("129 characters") << u"team/app"_s << QString(129, u'a') << false;
    QTest::newRow("128 characters") << u"team/app"_s << QString(128, u'a') << true;
    QTest::newRow("bad digest") << u"team/app"_s << u"sha256:../x"_s << false;
    QTest::newRow("repository traversal") << u"team/../x"_s << u"v1"_s << false;
    QTest::newRow("repository upper case") << u"Team/App"_s << u"v1"_s << false;
    QTest::newRow("repository escape") << u"team/\x1b[2J"_s << u"v1"_s << false;
}

void TestServerText::names()
{
    QFETCH(QString, repository);
    QFETCH(QString, reference);
    QFETCH(bool, allowed);
    const Error error = ServerText::checkNames(repository, reference);
    QCOMPARE(!error.isError(), allowed);
    if (!allowed) {
        QCOMPARE(error.code, ErrorCode::InvalidInput);
        QVERIFY(!ServerText::hasInvisible(error.message));
    }
}

void TestServerText::csvCellsAreNeverFormulas_data()
{
    QTest::addColumn<QString>("cell");
    QTest::addColumn<QString>("written");
    QTest::newRow("plain") << u"v1"_s << u"v1"_s;
    // A formula gets the apostrophe and, as OWASP advises, quotes around the cell.
    QTest::newRow("equals") << u"=cmd|' /C calc'!A0"_s << u"\"'=cmd|' /C calc'!A0\""_s;
    QTest::newRow("plus") << u"+SUM(1+1)"_s << u"\"'+SUM(1+1)\""_s;
    QTest::newRow("at") << u"@SUM(1,1)"_s << u"\"'@SUM(1,1)\""_s;
    QTest::newRow("minus") << u"-2+3"_s << u"\"'-2+3\""_s;
    QTest::newRow("tab") << u"\tx"_s << u"\"'\tx\""_s;
    QTest::newRow("carriage return") << u"\rx"_s << u"\"'\rx\""_s;
    QTest::newRow("inside is fine") << u"a=b"_s << u"a=b"_s;
    QTest::newRow("quoted") << u"a,\"b\""_s << u"\"a,\"\"b\"\"\""_s;
}

void TestServerText::csvCellsAreNeverFormulas()
{
    QFETCH(QString, cell);
    QFETCH(QString, written);
    QCOMPARE(CsvReportWriter::field(cell), written);
}

void TestServerText::markdownEscapesHtml()
{
    QCOMPARE(MarkdownReportWriter::cell(u"<script>alert(1)</script>"_s),
             u"&lt;script&gt;alert(1)&lt;/script&gt;"_s);
    QCOMPARE(MarkdownReportWriter::cell(u"a|b & c"_s), u"a\\|b &amp; c"_s);
    QCOMPARE(MarkdownReportWriter::cell(u"x\x1b[2Jy"_s), u"x\\x1b[2Jy"_s);
}

QTEST_GUILESS_MAIN(TestServerText)
#include "tst_servertext.moc"
