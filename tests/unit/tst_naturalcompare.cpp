#include "models/tags/naturalcompare.h"

#include <QTest>

using namespace Berth;
using namespace Qt::StringLiterals;

class TestNaturalCompare : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ordering_data();
    void ordering();
    void totalOrderSortsVersions();
};

void TestNaturalCompare::ordering_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("sign");
    QTest::newRow("minor versions") << u"1.9"_s << u"1.10"_s << -1;
    QTest::newRow("patch versions") << u"1.10.2"_s << u"1.10.10"_s << -1;
    QTest::newRow("prefix digits") << u"v999"_s << u"v9900"_s << -1;
    QTest::newRow("prefix shorter first") << u"v99"_s << u"v990"_s << -1;
    QTest::newRow("equal") << u"latest"_s << u"latest"_s << 0;
    QTest::newRow("case-insensitive letters") << u"Alpine"_s << u"beta"_s << -1;
    QTest::newRow("case tie broken by raw text") << u"A"_s << u"a"_s << -1;
    QTest::newRow("leading zeros equal value") << u"v01"_s << u"v1"_s << -1;
    QTest::newRow("huge numbers do not overflow")
            << u"build-99999999999999999999999"_s << u"build-100000000000000000000000"_s << -1;
    QTest::newRow("digits before letters") << u"1.0"_s << u"a"_s << -1;
    QTest::newRow("rc before release text") << u"1.0.0-rc1"_s << u"1.0.0-rc2"_s << -1;
    QTest::newRow("empty first") << QString() << u"x"_s << -1;
}

void TestNaturalCompare::ordering()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, sign);
    const int forward = naturalCompare(a, b);
    const int backward = naturalCompare(b, a);
    QCOMPARE((forward > 0) - (forward < 0), sign);
    QCOMPARE((backward > 0) - (backward < 0), -sign);
}

void TestNaturalCompare::totalOrderSortsVersions()
{
    QStringList tags{u"1.10.0"_s, u"1.2.0"_s, u"latest"_s, u"1.9.1"_s, u"1.9.0"_s, u"1.10"_s};
    std::sort(tags.begin(), tags.end(),
              [](const QString &a, const QString &b) { return naturalCompare(a, b) < 0; });
    const QStringList expected{u"1.2.0"_s, u"1.9.0"_s,  u"1.9.1"_s,
                               u"1.10"_s,  u"1.10.0"_s, u"latest"_s};
    QCOMPARE(tags, expected);
}

QTEST_APPLESS_MAIN(TestNaturalCompare)
#include "tst_naturalcompare.moc"
