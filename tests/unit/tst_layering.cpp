// The architecture's one-way rules, checked on the sources: ui/ reaches the network only through
// models/ (no file under ui/ includes, directly or through the headers it includes, a net/ header
// that does network work: transport, auth, oci, harbor, backend), and dependencies point one way
// (net/ includes neither models/ nor ui/, models/ never ui/).

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

class TestLayering : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void uiReachesTheNetworkOnlyThroughModels();
    void dependenciesPointOneWay_data();
    void dependenciesPointOneWay();
    void theCheckSeesForbiddenIncludes();

private:
    //! Project headers a file includes ("net/oci/registryclient.h"), root-relative.
    QStringList includesOf(const QString &path);
    //! Every project header reachable from path, each with the chain that reached it.
    QHash<QString, QStringList> reachable(const QString &path);
    QStringList sourcesUnder(const QString &folder) const;

    QDir m_root;
    QHash<QString, QStringList> m_includes;
};

// What ui/ may see of net/: value types and handles, no network code.
static bool isNetworkHeader(const QString &path)
{
    return path.startsWith(u"net/"_s) && !path.startsWith(u"net/core/"_s)
           && !path.startsWith(u"net/formats/"_s);
}

void TestLayering::initTestCase()
{
    m_root = QDir(QStringLiteral(BERTH_SOURCE_DIR));
    QVERIFY2(m_root.exists(u"ui/mainwindow.cpp"_s), qPrintable(m_root.path()));
}

QStringList TestLayering::sourcesUnder(const QString &folder) const
{
    QStringList files;
    QDirIterator it(m_root.filePath(folder), {u"*.h"_s, u"*.cpp"_s}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(m_root.relativeFilePath(it.next()));
    files.sort();
    return files;
}

QStringList TestLayering::includesOf(const QString &path)
{
    const auto cached = m_includes.constFind(path);
    if (cached != m_includes.cend())
        return *cached;
    static const QRegularExpression include(uR"re(^\s*#\s*include\s+"([^"]+)")re"_s,
                                            QRegularExpression::MultilineOption);
    QStringList found;
    QFile file(m_root.filePath(path));
    if (file.open(QIODevice::ReadOnly)) {
        const QString text = QString::fromUtf8(file.readAll());
        for (auto it = include.globalMatch(text); it.hasNext();) {
            const QString header = it.next().captured(1);
            // Root-relative project headers only (moc files and Qt headers are not ours).
            if (m_root.exists(header))
                found.append(header);
        }
    }
    m_includes.insert(path, found);
    return found;
}

QHash<QString, QStringList> TestLayering::reachable(const QString &path)
{
    QHash<QString, QStringList> chains{{path, {path}}};
    QStringList queue{path};
    while (!queue.isEmpty()) {
        const QString current = queue.takeFirst();
        const QStringList chain = chains.value(current);
        for (const QString &header : includesOf(current)) {
            if (chains.contains(header))
                continue;
            chains.insert(header, chain + QStringList{header});
            queue.append(header);
        }
    }
    return chains;
}

void TestLayering::uiReachesTheNetworkOnlyThroughModels()
{
    QStringList problems;
    for (const QString &file : sourcesUnder(u"ui"_s)) {
        const QHash<QString, QStringList> chains = reachable(file);
        for (auto it = chains.cbegin(); it != chains.cend(); ++it) {
            if (isNetworkHeader(it.key()))
                problems.append(it.value().join(u" -> "_s));
        }
    }
    problems.sort();
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TestLayering::dependenciesPointOneWay_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QStringList>("forbidden");
    QTest::newRow("net") << u"net"_s << QStringList{u"models/"_s, u"ui/"_s, u"app/"_s};
    QTest::newRow("models") << u"models"_s << QStringList{u"ui/"_s, u"app/"_s};
    QTest::newRow("ui") << u"ui"_s << QStringList{u"app/"_s};
}

void TestLayering::dependenciesPointOneWay()
{
    QFETCH(QString, folder);
    QFETCH(QStringList, forbidden);
    QStringList problems;
    for (const QString &file : sourcesUnder(folder)) {
        for (const QString &header : includesOf(file)) {
            for (const QString &prefix : std::as_const(forbidden)) {
                if (header.startsWith(prefix))
                    problems.append(file + u" includes "_s + header);
            }
        }
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TestLayering::theCheckSeesForbiddenIncludes()
{
    // Given the walk over a file known to reach the scheduler (models' session opener)
    // When its reachable headers are listed
    // Then the network headers are among them: the check above cannot pass vacuously.
    const QHash<QString, QStringList> chains = reachable(u"models/session/sessionopener.cpp"_s);
    QVERIFY(chains.contains(u"net/backend/registrybackend.h"_s));
    QVERIFY(isNetworkHeader(u"net/backend/registrybackend.h"_s));
    QVERIFY(isNetworkHeader(u"net/transport/requestscheduler.h"_s));
    QVERIFY(!isNetworkHeader(u"net/core/job.h"_s));
    QVERIFY(!isNetworkHeader(u"net/formats/manifest.h"_s));
}

QTEST_GUILESS_MAIN(TestLayering)
#include "tst_layering.moc"
