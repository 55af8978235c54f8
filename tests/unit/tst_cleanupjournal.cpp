// The clean-up journal (models/cleanup/cleanupjournal.h): what is written is read back byte for
// byte, a file is never overwritten, and a damaged or foreign file is refused with a reason.

#include "models/cleanup/cleanupjournal.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

class TestCleanupJournal : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writtenEntriesReadBack();
    void neverOverwritesAFile();
    void refusesWhatIsNotAJournalOfThisRepository_data();
    void refusesWhatIsNotAJournalOfThisRepository();
};

void TestCleanupJournal::writtenEntriesReadBack()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"j.jsonl"_s);
    JournalWriter writer;
    QVERIFY(!writer.open(path, u"127.0.0.1:5000"_s, u"team/app"_s, {}).isError());
    const QByteArray manifest = "{\"schemaVersion\":2,\"\\u00e9\":\"\\n\"}\n\x01"_ba;
    const JournalEntry entry{u"team/app"_s,
                             u"1.0"_s,
                             u"sha256:"_s + QString(64, u'a'),
                             u"application/vnd.oci.image.manifest.v1+json"_s,
                             manifest,
                             u"delete"_s};
    QVERIFY(!writer.append(entry).isError());
    QVERIFY(!writer.append(JournalEntry{entry.repository, u"1.1"_s, entry.digest, entry.mediaType,
                                        entry.manifest, u"untag"_s})
                     .isError());
    // An untagged image: no tag, put back by its digest.
    QVERIFY(!writer.append(JournalEntry{entry.repository,
                                        {},
                                        entry.digest,
                                        entry.mediaType,
                                        entry.manifest,
                                        u"delete"_s})
                     .isError());

    const Result<Journal> journal = readJournal(path);
    QVERIFY2(journal.ok(), qPrintable(journal.error().message));
    QCOMPARE(journal->registry, u"127.0.0.1:5000"_s);
    QCOMPARE(journal->repository, u"team/app"_s);
    QCOMPARE(journal->entries.size(), 3);
    QCOMPARE(journal->entries.at(0).manifest, manifest);
    QCOMPARE(journal->entries.at(0).tag, u"1.0"_s);
    QCOMPARE(journal->entries.at(1).action, u"untag"_s);
    QCOMPARE(journal->entries.at(1).mediaType, entry.mediaType);
    QCOMPARE(journal->entries.at(2).reference(), entry.digest);
    QCOMPARE(journal->entries.at(2).name(), u"untagged "_s + QString(12, u'a'));
}

void TestCleanupJournal::neverOverwritesAFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"exists.jsonl"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("keep me\n");
    file.close();
    JournalWriter writer;
    QVERIFY(writer.open(path, u"h"_s, u"r"_s, {}).isError());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), "keep me\n"_ba);
}

void TestCleanupJournal::refusesWhatIsNotAJournalOfThisRepository_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("reason");
    const QByteArray header
            = R"({"berth_journal":1,"registry":"h","repository":"team/app","started":"x"})"_ba;
    QTest::newRow("empty") << QByteArray() << u"empty"_s;
    QTest::newRow("not json") << "hello\n"_ba << u"not a JSON object"_s;
    QTest::newRow("another file") << R"({"some":"thing"})"_ba << u"not a berth clean-up journal"_s;
    QTest::newRow("entry without manifest")
            << header + "\n" + R"({"repository":"team/app","tag":"t","digest":"d"})"_ba
            << u"without"_s;
    const QByteArray digest = "sha256:" + QByteArray(64, 'a');
    QTest::newRow("entry for another repository")
            << header + "\n" + R"({"repository":"other/app","tag":"t","digest":")" + digest
                       + R"(","manifest":"e30="})"
            << u"not the journal's"_s;
    QTest::newRow("entry with a malformed digest")
            << header + "\n"
                       + R"({"repository":"team/app","tag":"t","digest":"d","manifest":"e30="})"_ba
            << u"malformed digest"_s;
    // Only an untagged image's deletion is journalled without a tag.
    QTest::newRow("untag entry without a tag")
            << header + "\n" + R"({"repository":"team/app","tag":"","digest":")" + digest
                       + R"(","manifest":"e30=","action":"untag"})"
            << u"without a tag"_s;
}

void TestCleanupJournal::refusesWhatIsNotAJournalOfThisRepository()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"j.jsonl"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    const Result<Journal> journal = readJournal(path);
    QVERIFY(!journal.ok());
    QVERIFY2(journal.error().message.contains(reason), qPrintable(journal.error().message));
}

QTEST_GUILESS_MAIN(TestCleanupJournal)
#include "tst_cleanupjournal.moc"
