#include "net/core/digest.h"

#include <QCryptographicHash>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

class tst_Digest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sha256KnownVectors_data();
    void sha256KnownVectors();
    void sha512MatchesQt();
    void isValid_data();
    void isValid();
    void matches_data();
    void matches();
    void shortForm_data();
    void shortForm();
};

void tst_Digest::sha256KnownVectors_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("digest");
    // FIPS 180-2 test vectors and the OCI empty JSON descriptor "{}".
    QTest::newRow("empty")
            << QByteArray()
            << u"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"_s;
    QTest::newRow("abc")
            << "abc"_ba
            << u"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"_s;
    QTest::newRow("oci empty json")
            << "{}"_ba
            << u"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"_s;
}

void tst_Digest::sha256KnownVectors()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, digest);
    QCOMPARE(Digest::sha256(data), digest);
    QVERIFY(Digest::isValid(Digest::sha256(data)));
}

void tst_Digest::sha512MatchesQt()
{
    const QByteArray data = "berth"_ba;
    const QString expected
            = u"sha512:"_s
              + QString::fromLatin1(
                      QCryptographicHash::hash(data, QCryptographicHash::Sha512).toHex());
    QCOMPARE(Digest::sha512(data), expected);
    QCOMPARE(Digest::sha512(data).size(), 7 + 128);
    QVERIFY(Digest::isValid(Digest::sha512(data)));
}

void tst_Digest::isValid_data()
{
    QTest::addColumn<QString>("digest");
    QTest::addColumn<bool>("valid");
    const QString hex64 = QString(64, u'a');
    const QString hex128 = QString(128, u'0');
    QTest::newRow("sha256") << u"sha256:"_s + hex64 << true;
    QTest::newRow("sha512") << u"sha512:"_s + hex128 << true;
    QTest::newRow("sha256 too short") << u"sha256:"_s + hex64.left(63) << false;
    QTest::newRow("sha256 too long") << u"sha256:"_s + hex64 + u'a' << false;
    QTest::newRow("sha512 with 64 hex") << u"sha512:"_s + hex64 << false;
    QTest::newRow("uppercase hex") << u"sha256:"_s + QString(64, u'A') << false;
    QTest::newRow("non hex") << u"sha256:"_s + QString(64, u'g') << false;
    QTest::newRow("uppercase algorithm") << u"SHA256:"_s + hex64 << false;
    QTest::newRow("no algorithm") << u":"_s + hex64 << false;
    QTest::newRow("no colon") << hex64 << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("empty encoded") << u"sha256:"_s << false;
    // Well-formed per the grammar but not an algorithm Berth can verify.
    QTest::newRow("multihash+base58")
            << u"multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"_s << false;
    QTest::newRow("separator first") << u"+sha256:"_s + hex64 << false;
    QTest::newRow("double separator") << u"sha..256:"_s + hex64 << false;
    QTest::newRow("trailing space") << u"sha256:"_s + hex64 + u' ' << false;
    QTest::newRow("two colons") << u"sha256:"_s + hex64.left(32) + u':' + hex64.left(31) << false;
}

void tst_Digest::isValid()
{
    QFETCH(QString, digest);
    QFETCH(bool, valid);
    QCOMPARE(Digest::isValid(digest), valid);
}

void tst_Digest::matches_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("digest");
    QTest::addColumn<bool>("expected");
    const QByteArray body = R"({"schemaVersion":2})"_ba;
    QTest::newRow("sha256 of body") << body << Digest::sha256(body) << true;
    QTest::newRow("sha512 of body") << body << Digest::sha512(body) << true;
    QTest::newRow("other body") << body << Digest::sha256("x"_ba) << false;
    QTest::newRow("one byte changed")
            << QByteArray(body).replace('2', '3') << Digest::sha256(body) << false;
    QTest::newRow("malformed digest") << body << u"sha256:xyz"_s << false;
    QTest::newRow("uppercase digest") << body << Digest::sha256(body).toUpper() << false;
}

void tst_Digest::matches()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, digest);
    QFETCH(bool, expected);
    QCOMPARE(Digest::matches(data, digest), expected);
}

void tst_Digest::shortForm_data()
{
    QTest::addColumn<QString>("digest");
    QTest::addColumn<int>("length");
    QTest::addColumn<QString>("expected");
    const QString digest
            = u"sha256:3f1a9c0b2d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd"_s;
    QTest::newRow("default 12") << digest << 12 << u"3f1a9c0b2d4e"_s;
    QTest::newRow("7") << digest << 7 << u"3f1a9c0"_s;
    QTest::newRow("longer than digest") << u"sha256:abc"_s << 12 << u"abc"_s;
    QTest::newRow("no algorithm") << u"3f1a9c0b2d4e5f607182"_s << 12 << u"3f1a9c0b2d4e"_s;
    QTest::newRow("zero") << digest << 0 << QString();
    QTest::newRow("negative") << digest << -3 << QString();
}

void tst_Digest::shortForm()
{
    QFETCH(QString, digest);
    QFETCH(int, length);
    QFETCH(QString, expected);
    QCOMPARE(Digest::shortForm(digest, length), expected);
}

QTEST_GUILESS_MAIN(tst_Digest)
#include "tst_digest.moc"
