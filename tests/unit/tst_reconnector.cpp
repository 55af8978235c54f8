// The offline policy without a registry: which errors mean "cannot be reached", the back-off
// (2 s, 4 s, … capped at 60 s, with jitter), the reconnector's timer, "Retry now", and the age
// text the offline views show.

#include "models/session/offlinetext.h"
#include "models/session/reachability.h"
#include "models/session/reconnector.h"

#include <QSignalSpy>
#include <QTest>

using namespace Berth;
using namespace Qt::StringLiterals;

class TestReconnector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unreachableOrRefused_data();
    void unreachableOrRefused();
    void delaysDoubleUpToTheCap();
    void jitterStaysWithinItsShare();
    void attemptsFollowTheBackOff();
    void retryNowAttemptsAtOnce();
    void stopEndsTheAttempts();
    void ageText_data();
    void ageText();
    void retryTextCountsDown();
    void reasonIsTheCause();
};

void TestReconnector::unreachableOrRefused_data()
{
    QTest::addColumn<Error>("error");
    QTest::addColumn<bool>("unreachable");
    QTest::newRow("connection refused")
            << Error(ErrorCode::Network, u"Connection refused"_s) << true;
    QTest::newRow("dns") << Error(ErrorCode::Network, u"Host not found"_s) << true;
    QTest::newRow("timeout") << Error(ErrorCode::Timeout, u"no answer"_s) << true;
    QTest::newRow("502 from a proxy") << Error(ErrorCode::Server, u"Bad Gateway"_s, 502) << true;
    QTest::newRow("503 from a proxy") << Error(ErrorCode::Server, u"unavailable"_s, 503) << true;
    QTest::newRow("504 from a proxy") << Error(ErrorCode::Server, u"timeout"_s, 504) << true;
    QTest::newRow("500 of the registry") << Error(ErrorCode::Server, u"boom"_s, 500) << false;
    QTest::newRow("401") << Error(ErrorCode::Unauthorized, u"wrong password"_s, 401) << false;
    QTest::newRow("403") << Error(ErrorCode::Forbidden, u"denied"_s, 403) << false;
    QTest::newRow("404") << Error(ErrorCode::NotFound, u"unknown"_s, 404) << false;
    QTest::newRow("tls") << Error(ErrorCode::Tls, u"bad certificate"_s) << false;
    QTest::newRow("cancelled") << Error(ErrorCode::Cancelled, u"by us"_s) << false;
    QTest::newRow("none") << Error() << false;
}

void TestReconnector::unreachableOrRefused()
{
    QFETCH(Error, error);
    QFETCH(bool, unreachable);
    QCOMPARE(isUnreachable(error), unreachable);
}

void TestReconnector::delaysDoubleUpToTheCap()
{
    // Without jitter: 2, 4, 8, 16, 32, then 60 s for ever (no overflow after many attempts)
    const QList<int> expected{2000, 4000, 8000, 16000, 32000, 60000, 60000};
    for (int attempt = 0; attempt < expected.size(); ++attempt)
        QCOMPARE(Reconnector::delayFor(attempt, 2000, 60000, 0.0, 0.7), expected.at(attempt));
    QCOMPARE(Reconnector::delayFor(5000, 2000, 60000, 0.0, 0.0), 60000);
}

void TestReconnector::jitterStaysWithinItsShare()
{
    // ±20 %: the lowest and highest random values bound the wait; never above the cap
    QCOMPARE(Reconnector::delayFor(1, 2000, 60000, 0.2, 0.0), 3200);
    QCOMPARE(Reconnector::delayFor(1, 2000, 60000, 0.2, 1.0), 4800);
    QCOMPARE(Reconnector::delayFor(1, 2000, 60000, 0.2, 0.5), 4000);
    QCOMPARE(Reconnector::delayFor(10, 2000, 60000, 0.2, 1.0), 60000);
    QCOMPARE(Reconnector::delayFor(10, 2000, 60000, 0.2, 0.0), 48000);
}

void TestReconnector::attemptsFollowTheBackOff()
{
    // Given a reconnector with short waits and no jitter
    Reconnector reconnector;
    reconnector.setJitter(0);
    reconnector.setDelays(40, 160);
    QSignalSpy due(&reconnector, &Reconnector::attemptDue);
    QVERIFY(!reconnector.isActive());
    QCOMPARE(reconnector.remainingMs(), -1);

    // When it starts, the first attempt waits the first delay
    reconnector.start();
    QVERIFY(reconnector.isActive());
    QCOMPARE(reconnector.currentDelayMs(), 40);
    QVERIFY(reconnector.remainingMs() > 0 && reconnector.remainingMs() <= 40);
    QVERIFY(due.wait(2000));
    QVERIFY(reconnector.isAttempting());
    QCOMPARE(reconnector.remainingMs(), 0);

    // When attempts fail, each waits twice as long, up to the cap
    for (const int expected : {80, 160, 160}) {
        reconnector.attemptFailed();
        QVERIFY(!reconnector.isAttempting());
        QCOMPARE(reconnector.currentDelayMs(), expected);
        QVERIFY(due.wait(2000));
    }
    QCOMPARE(reconnector.failedAttempts(), 3);
    QCOMPARE(due.size(), 4);
}

void TestReconnector::retryNowAttemptsAtOnce()
{
    // Given a reconnector waiting a long time
    Reconnector reconnector;
    reconnector.setJitter(0);
    reconnector.setDelays(60000, 60000);
    QSignalSpy due(&reconnector, &Reconnector::attemptDue);
    reconnector.start();
    QVERIFY(reconnector.remainingMs() > 50000);

    // When "Retry now" is asked, the attempt comes from the event loop, not after the wait
    reconnector.retryNow();
    QCOMPARE(due.size(), 0);
    QVERIFY(due.wait(1000));
    QVERIFY(reconnector.isAttempting());
    // And a second "Retry now" while it runs starts nothing more
    reconnector.retryNow();
    QTest::qWait(50);
    QCOMPARE(due.size(), 1);
}

void TestReconnector::stopEndsTheAttempts()
{
    Reconnector reconnector;
    reconnector.setJitter(0);
    reconnector.setDelays(30, 30);
    QSignalSpy due(&reconnector, &Reconnector::attemptDue);
    reconnector.start();
    QVERIFY(due.wait(2000));
    reconnector.attemptFailed();
    // When the registry answered (stop), nothing more is attempted and the count starts over
    reconnector.stop();
    QVERIFY(!reconnector.isActive());
    QTest::qWait(120);
    QCOMPARE(due.size(), 1);
    QCOMPARE(reconnector.failedAttempts(), 0);
    // And "Retry now" does nothing when nothing is being retried
    reconnector.retryNow();
    QTest::qWait(30);
    QCOMPARE(due.size(), 1);
}

void TestReconnector::ageText_data()
{
    QTest::addColumn<qint64>("secondsAgo");
    QTest::addColumn<QString>("text");
    QTest::newRow("seconds") << qint64(20) << u"just now"_s;
    QTest::newRow("a minute") << qint64(61) << u"1 minute ago"_s;
    QTest::newRow("minutes") << qint64(45 * 60) << u"45 minutes ago"_s;
    QTest::newRow("hours") << qint64(3 * 3600 + 100) << u"3 hours ago"_s;
    QTest::newRow("days") << qint64(2 * 86400 + 5) << u"2 days ago"_s;
    QTest::newRow("a clock behind") << qint64(-30) << u"just now"_s;
}

void TestReconnector::ageText()
{
    QFETCH(qint64, secondsAgo);
    QFETCH(QString, text);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QCOMPARE(Berth::ageText(now.addSecs(-secondsAgo), now), text);
    QVERIFY(Berth::ageText(QDateTime(), now).isEmpty());
    // Beyond a month: the date
    QVERIFY(Berth::ageText(now.addDays(-90), now).startsWith(u"on "_s));
}

void TestReconnector::retryTextCountsDown()
{
    Reconnector reconnector;
    reconnector.setJitter(0);
    QVERIFY(retryText(&reconnector).isEmpty());
    reconnector.setDelays(9500, 9500);
    reconnector.start();
    QCOMPARE(retryText(&reconnector), u"Retrying in 10 s"_s);
    QSignalSpy due(&reconnector, &Reconnector::attemptDue);
    reconnector.retryNow();
    QVERIFY(due.wait(1000));
    QCOMPARE(retryText(&reconnector), u"Retrying now …"_s);
}

void TestReconnector::reasonIsTheCause()
{
    QCOMPARE(unreachableReason(Error(ErrorCode::Network,
                                     u"Connecting to h:1: network error talking to h:1: "
                                     "Connection refused"_s)),
             u"Connection refused"_s);
    QCOMPARE(unreachableReason(Error(ErrorCode::Timeout, u"no answer in 60 s"_s)),
             u"no answer in 60 s"_s);
    QCOMPARE(unreachableReason(Error(ErrorCode::Network, QString())), u"Network error"_s);
}

QTEST_GUILESS_MAIN(TestReconnector)
#include "tst_reconnector.moc"
