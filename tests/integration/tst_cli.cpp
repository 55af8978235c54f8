// The built `berth` binary against a seeded registry: tags, inspect for every image kind,
// export in every format to stdout and to a file, repos, retag, rm (refusing without --yes),
// usage errors, unknown repositories, and Basic auth with --password-stdin. Machine output is
// checked to be alone on stdout.

#include "berthprocess.h"
#include "reporttestutil.h"

#include "imageseeder.h"
#include "registryprocess.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

using Run = BerthRun;

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void help();
    void tagsPlainAndJson();
    void inspectEveryKind_data();
    void inspectEveryKind();
    void exportFormats_data();
    void exportFormats();
    void exportPerPlatformAndFilter();
    void repos();
    void retagThenInspect();
    void unknownCommandsAreNamed_data();
    void unknownCommandsAreNamed();
    void rmRefusesWithoutYes();
    void rmRemovesOneTag();
    void rmImageRemovesEveryTag();
    void usageErrors_data();
    void usageErrors();
    void unknownRepository_data();
    void unknownRepository();
    void basicAuth();

private:
    Run berth(const QStringList &arguments, const QByteArray &input = {});
    QString ref(const QString &path) const { return m_registry->host() + u'/' + path; }
    QStringList tagsOf(const QString &repository);
    void checkCsvRow(const QStringList &fields, const QString &tag);

    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<RegistryProcess> m_secured;
    QTemporaryDir m_home;
    QHash<QString, SeededImage> m_byTag; // cli/app
};

Run TestCli::berth(const QStringList &arguments, const QByteArray &input)
{
    return runBerth(QStringLiteral(BERTH_BINARY), arguments, input, QDir(m_home.path()));
}

QStringList TestCli::tagsOf(const QString &repository)
{
    const Run run = berth({u"tags"_s, u"--plain-http"_s, ref(repository)});
    if (run.code != 0)
        return {u"<failed: "_s + QString::fromUtf8(run.err) + u'>'};
    QStringList tags = QString::fromUtf8(run.out).split(u'\n', Qt::SkipEmptyParts);
    tags.sort();
    return tags;
}

void TestCli::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(QFile::exists(QStringLiteral(BERTH_BINARY)));
    QVERIFY(m_home.isValid());
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    ImageSeeder seeder(m_registry->host());

    ImageSpec oci;
    oci.seed = 31;
    oci.layers = 2;
    auto image = seeder.seedImage(u"cli/app"_s, oci, {u"1.0"_s, u"latest"_s});
    QVERIFY2(image.ok(), qPrintable(image.error().toString()));
    ImageSpec docker;
    docker.seed = 32;
    docker.format = ManifestFormat::Docker;
    auto dockerImage = seeder.seedImage(u"cli/app"_s, docker, {u"docker-1"_s});
    QVERIFY2(dockerImage.ok(), qPrintable(dockerImage.error().toString()));
    IndexSpec index;
    index.attestations = true;
    for (const auto &[arch, variant] :
         {std::pair{u"amd64"_s, QString()}, std::pair{u"arm64"_s, u"v8"_s}}) {
        ImageSpec platform;
        platform.seed = quint64(40 + arch.size());
        platform.architecture = arch;
        platform.variant = variant;
        index.platforms.append(platform);
    }
    auto pushedIndex = seeder.seedIndex(u"cli/app"_s, index, {u"multi"_s});
    QVERIFY2(pushedIndex.ok(), qPrintable(pushedIndex.error().toString()));
    auto chart = seeder.seedHelmChart(u"cli/app"_s, ChartSpec{}, {u"chart-0.1.0"_s});
    QVERIFY2(chart.ok(), qPrintable(chart.error().toString()));
    auto signature = seeder.seedSignature(*image);
    QVERIFY2(signature.ok(), qPrintable(signature.error().toString()));
    for (const SeededImage &seeded : {*image, *dockerImage, *pushedIndex, *chart, *signature}) {
        for (const QString &tag : seeded.tags)
            m_byTag.insert(tag, seeded);
    }

    for (const QString &repository : {u"team-a/api"_s, u"team-a/web"_s, u"team-b/worker"_s}) {
        ImageSpec small;
        small.seed = 50;
        QVERIFY(seeder.seedImage(repository, small, {u"1"_s}).ok());
    }

    m_secured = std::make_unique<RegistryProcess>(
            RegistryProcess::Options{RegistryAuth::Basic, u"berth"_s, u"berth-secret"_s, {}, 0});
    QVERIFY2(m_secured->start(&error), qPrintable(error));
    ImageSeeder securedSeeder(m_secured->host(), Credentials{u"berth"_s, u"berth-secret"_s, {}});
    ImageSpec secret;
    secret.seed = 60;
    QVERIFY(securedSeeder.seedImage(u"auth/app"_s, secret, {u"1"_s, u"2"_s}).ok());
}

void TestCli::help()
{
    const Run run = berth({u"--help"_s});
    QCOMPARE(run.code, 0);
    const QString text = QString::fromUtf8(run.out);
    for (const QString &command :
         {u"tags"_s, u"inspect"_s, u"export"_s, u"repos"_s, u"retag"_s, u"rm"_s})
        QVERIFY2(text.contains(u"  "_s + command + u' '), qPrintable(command));
    QVERIFY(text.contains(u"0 success, 1 error"_s) && text.contains(u"2 usage error"_s));
    QVERIFY(run.err.isEmpty());
    for (const QString &command : {u"export"_s, u"repos"_s, u"retag"_s, u"rm"_s}) {
        const Run commandHelp = berth({command, u"--help"_s});
        QCOMPARE(commandHelp.code, 0);
        QVERIFY(commandHelp.out.contains("--password-stdin"));
        QVERIFY(commandHelp.out.contains("Exit codes"));
    }
    // A command's usage line reads as people type it, not with the binary's path.
    QVERIFY(berth({u"tags"_s, u"--help"_s})
                    .out.startsWith("Usage: berth tags [options] REPOSITORY\n"));
    QVERIFY(berth({u"ls"_s, u"--help"_s})
                    .out.startsWith("Usage: berth ls [options] IMAGE [PATH]\n"));
    QVERIFY(berth({u"cache"_s, u"clear"_s, u"--help"_s})
                    .out.startsWith("Usage: berth cache clear [options] [REGISTRY]\n"));
}

void TestCli::tagsPlainAndJson()
{
    QStringList expected = m_byTag.keys();
    expected.sort();
    QCOMPARE(tagsOf(u"cli/app"_s), expected);

    const Run json = berth({u"tags"_s, u"--plain-http"_s, u"--json"_s, ref(u"cli/app"_s)});
    QCOMPARE(json.code, 0);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QStringList listed;
    for (const QJsonValue &value : document.array())
        listed.append(value.toString());
    listed.sort();
    QCOMPARE(listed, expected);
    QVERIFY(json.err.isEmpty());
}

void TestCli::inspectEveryKind_data()
{
    QTest::addColumn<QString>("tag");
    QTest::newRow("OCI image") << u"1.0"_s;
    QTest::newRow("Docker image") << u"docker-1"_s;
    QTest::newRow("index with attestations") << u"multi"_s;
    QTest::newRow("Helm chart") << u"chart-0.1.0"_s;
    QTest::newRow("cosign signature") << QString();
}

void TestCli::inspectEveryKind()
{
    QFETCH(QString, tag);
    if (tag.isEmpty()) { // the signature's tag depends on the signed digest
        for (auto it = m_byTag.cbegin(); it != m_byTag.cend(); ++it) {
            if (it->kind == ArtifactKind::Signature)
                tag = it.key();
        }
    }
    const SeededImage seeded = m_byTag.value(tag);
    QVERIFY(!seeded.digest.isEmpty());
    const Run run = berth({u"inspect"_s, u"--plain-http"_s, u"--json"_s, ref(u"cli/app:"_s + tag)});
    QCOMPARE(run.code, 0);
    QVERIFY(run.err.isEmpty());
    const QJsonObject o = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(o.value(u"repository"_s).toString(), ref(u"cli/app"_s));
    QCOMPARE(o.value(u"tag"_s).toString(), tag);
    QCOMPARE(o.value(u"digest"_s).toString(), seeded.digest);
    QCOMPARE(o.value(u"mediaType"_s).toString(), seeded.mediaType);
    QCOMPARE(o.value(u"kind"_s).toString(), artifactKindText(seeded.kind));
    QCOMPARE(o.value(u"size"_s).toInteger(), seeded.size);
    QCOMPARE(o.value(u"created"_s).toString(), expectedTime(expectedCreated(seeded)));
    if (!seeded.artifactType.isEmpty())
        QCOMPARE(o.value(u"artifactType"_s).toString(), seeded.artifactType);
    const QJsonArray platforms = o.value(u"platforms"_s).toArray();
    QCOMPARE(platforms.size(), seeded.platforms.size());
    for (qsizetype i = 0; i < platforms.size(); ++i) {
        const QJsonObject p = platforms.at(i).toObject();
        const SeededPlatform &s = seeded.platforms.at(i);
        QCOMPARE(p.value(u"os"_s).toString(), s.os);
        QCOMPARE(p.value(u"architecture"_s).toString(), s.architecture);
        QCOMPARE(p.value(u"variant"_s).toString(), s.variant);
        QCOMPARE(p.value(u"digest"_s).toString(), s.digest);
        QCOMPARE(p.value(u"size"_s).toInteger(), s.size);
    }
    QStringList attestations;
    for (const QJsonValue &a : o.value(u"attestations"_s).toArray())
        attestations.append(a.toObject().value(u"digest"_s).toString());
    QCOMPARE(attestations, seeded.attestationDigests());
    if (seeded.kind != ArtifactKind::Index) {
        QCOMPARE(o.value(u"layers"_s).toArray().size(), seeded.layers.size());
        QCOMPARE(o.value(u"config"_s).toObject().value(u"digest"_s).toString(),
                 seeded.config.digest);
    }
}

void TestCli::checkCsvRow(const QStringList &fields, const QString &tag)
{
    const SeededImage &seeded = m_byTag.value(tag);
    QCOMPARE(fields.size(), 8);
    QCOMPARE(fields.at(0), ref(u"cli/app"_s));
    QCOMPARE(fields.at(1), tag);
    QCOMPARE(fields.at(2), seeded.digest);
    QCOMPARE(fields.at(3), artifactKindText(seeded.kind));
    QCOMPARE(fields.at(4), seeded.mediaType);
    QCOMPARE(fields.at(5), expectedPlatforms(seeded).join(u';'));
    QCOMPARE(fields.at(6), QString::number(seeded.size));
    QCOMPARE(fields.at(7), expectedTime(expectedCreated(seeded)));
}

void TestCli::exportFormats_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<bool>("toFile");
    for (const QString &format : {u"csv"_s, u"json"_s, u"markdown"_s, u"html"_s}) {
        QTest::addRow("%s to stdout", qPrintable(format)) << format << false;
        QTest::addRow("%s to a file", qPrintable(format)) << format << true;
    }
}

void TestCli::exportFormats()
{
    QFETCH(QString, format);
    QFETCH(bool, toFile);
    QTemporaryDir dir;
    QStringList arguments{u"export"_s, u"--plain-http"_s, u"--format"_s, format, ref(u"cli/app"_s)};
    const QString path = dir.filePath(u"report.out"_s);
    if (toFile)
        arguments += {u"-o"_s, path};
    const Run run = berth(arguments);
    QCOMPARE(run.code, 0);
    QVERIFY2(run.err.isEmpty(), run.err.constData()); // not a terminal: no progress
    QByteArray bytes = run.out;
    if (toFile) {
        QVERIFY(run.out.isEmpty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        bytes = file.readAll();
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }
    const QString text = QString::fromUtf8(bytes);
    QStringList tags = m_byTag.keys();
    if (format == u"csv") {
        const QList<QStringList> records = parseCsv(text);
        QCOMPARE(records.size(), tags.size() + 1);
        QCOMPARE(records.constFirst().join(u','),
                 u"repository,tag,digest,kind,media_type,platforms,size_bytes,created"_s);
        for (qsizetype i = 1; i < records.size(); ++i)
            checkCsvRow(records.at(i), records.at(i).at(1));
    } else if (format == u"json") {
        const QJsonObject root = QJsonDocument::fromJson(bytes).object();
        const QStringList problems = MiniSchemaValidator(loadReportSchema()).validate(root);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        const QJsonArray entries = root.value(u"tags"_s).toArray();
        QCOMPARE(entries.size(), tags.size());
        for (const QJsonValue &value : entries) {
            const QJsonObject entry = value.toObject();
            const SeededImage &seeded = m_byTag.value(entry.value(u"tag"_s).toString());
            QCOMPARE(entry.value(u"digest"_s).toString(), seeded.digest);
            QCOMPARE(entry.value(u"size"_s).toInteger(), seeded.size);
            QCOMPARE(entry.value(u"kind"_s).toString(), artifactKindText(seeded.kind));
        }
    } else {
        for (const QString &tag : std::as_const(tags)) {
            const SeededImage &seeded = m_byTag.value(tag);
            const QString row
                    = format == u"markdown"
                              ? u"| %1 | %2 | %3 | %4 |"_s.arg(ref(u"cli/app"_s), tag,
                                                               seeded.digest,
                                                               artifactKindText(seeded.kind))
                              : u"<tr><td>%1</td><td class=\"mono\">%2</td><td>%3</td>"_s.arg(
                                      tag, seeded.digest, artifactKindText(seeded.kind));
            QVERIFY2(text.contains(row), qPrintable(row));
            QVERIFY(text.contains(QString::number(seeded.size)));
        }
        if (format == u"html")
            QVERIFY(text.startsWith(u"<!DOCTYPE html>"_s) && text.endsWith(u"</html>\n"_s));
    }
}

void TestCli::exportPerPlatformAndFilter()
{
    const Run run = berth({u"export"_s, u"--plain-http"_s, u"--per-platform"_s, u"--filter"_s,
                           u"^multi$"_s, ref(u"cli/app"_s)});
    QCOMPARE(run.code, 0);
    const QList<QStringList> records = parseCsv(QString::fromUtf8(run.out));
    const SeededImage &index = m_byTag.value(u"multi"_s);
    QCOMPARE(records.size(), index.platforms.size() + 1);
    for (qsizetype i = 0; i < index.platforms.size(); ++i) {
        QCOMPARE(records.at(i + 1).at(2), index.platforms.at(i).digest);
        QCOMPARE(records.at(i + 1).at(5), index.platforms.at(i).platform());
        QCOMPARE(records.at(i + 1).at(6), QString::number(index.platforms.at(i).size));
    }
    // -o with a suffix picks the format
    QTemporaryDir dir;
    const Run json = berth({u"export"_s, u"--plain-http"_s, ref(u"cli/app"_s), u"-o"_s,
                            dir.filePath(u"r.json"_s)});
    QCOMPARE(json.code, 0);
    QFile file(dir.filePath(u"r.json"_s));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(file.readAll()).object().value(u"tags"_s).toArray().size(),
             m_byTag.size());
}

void TestCli::repos()
{
    const Run all = berth({u"repos"_s, u"--plain-http"_s, m_registry->host()});
    QCOMPARE(all.code, 0);
    QStringList names = QString::fromUtf8(all.out).split(u'\n', Qt::SkipEmptyParts);
    names.sort();
    QCOMPARE(names,
             (QStringList{u"cli/app"_s, u"team-a/api"_s, u"team-a/web"_s, u"team-b/worker"_s}));
    const Run prefixed = berth({u"repos"_s, u"--plain-http"_s, ref(u"team-a"_s)});
    QCOMPARE(prefixed.code, 0);
    names = QString::fromUtf8(prefixed.out).split(u'\n', Qt::SkipEmptyParts);
    names.sort();
    QCOMPARE(names, (QStringList{u"team-a/api"_s, u"team-a/web"_s}));
    const Run json = berth({u"repos"_s, u"--plain-http"_s, u"--json"_s, ref(u"team-b"_s)});
    QCOMPARE(json.code, 0);
    QCOMPARE(QJsonDocument::fromJson(json.out).array(), QJsonArray{u"team-b/worker"_s});
}

void TestCli::retagThenInspect()
{
    const Run run
            = berth({u"retag"_s, u"--plain-http"_s, ref(u"cli/app:multi"_s), u"multi-copy"_s});
    QCOMPARE(run.code, 0);
    QCOMPARE(run.out.trimmed(), m_byTag.value(u"multi"_s).digest.toUtf8());
    const Run inspect
            = berth({u"inspect"_s, u"--plain-http"_s, u"--json"_s, ref(u"cli/app:multi-copy"_s)});
    QCOMPARE(inspect.code, 0);
    QCOMPARE(QJsonDocument::fromJson(inspect.out).object().value(u"digest"_s).toString(),
             m_byTag.value(u"multi"_s).digest);
    // Clean up so the other tests see the seeded tags only
    QCOMPARE(berth({u"rm"_s, u"--plain-http"_s, u"--yes"_s, ref(u"cli/app:multi-copy"_s)}).code, 0);

    // REPOSITORY:TAG copies the multi-arch image into another repository: same digest there
    const Run copy = berth(
            {u"retag"_s, u"--plain-http"_s, ref(u"cli/app:multi"_s), u"cli/copy-target:m1"_s});
    QVERIFY2(copy.code == 0, copy.err.constData());
    QCOMPARE(copy.out.trimmed(), m_byTag.value(u"multi"_s).digest.toUtf8());
    const Run copied
            = berth({u"inspect"_s, u"--plain-http"_s, u"--json"_s, ref(u"cli/copy-target:m1"_s)});
    QCOMPARE(copied.code, 0);
    QCOMPARE(QJsonDocument::fromJson(copied.out).object().value(u"digest"_s).toString(),
             m_byTag.value(u"multi"_s).digest);
    // A target that is no repository path is a usage error, before any request
    const Run bad
            = berth({u"retag"_s, u"--plain-http"_s, ref(u"cli/app:multi"_s), u"Not/Valid:m1"_s});
    QCOMPARE(bad.code, 2);
    QVERIFY(bad.err.contains("not a repository path"));
}

void TestCli::rmRefusesWithoutYes()
{
    ImageSeeder seeder(m_registry->host());
    ImageSpec spec;
    spec.seed = 70;
    const auto seeded = seeder.seedImage(u"rm/refuse"_s, spec, {u"keep"_s, u"drop"_s});
    QVERIFY(seeded.ok());

    const Run tag = berth({u"rm"_s, u"--plain-http"_s, ref(u"rm/refuse:drop"_s)});
    QCOMPARE(tag.code, 1);
    QVERIFY(tag.out.isEmpty());
    QVERIFY(tag.err.contains("would remove tag"));
    QVERIFY(tag.err.contains(seeded->digest.toUtf8()));

    const Run image = berth({u"rm"_s, u"--plain-http"_s, u"--image"_s, ref(u"rm/refuse:drop"_s)});
    QCOMPARE(image.code, 1);
    QVERIFY(image.out.isEmpty());
    QVERIFY(image.err.contains("would delete image"));
    QVERIFY(image.err.contains(ref(u"rm/refuse:keep"_s).toUtf8()));
    QVERIFY(image.err.contains(ref(u"rm/refuse:drop"_s).toUtf8()));
    QCOMPARE(tagsOf(u"rm/refuse"_s), (QStringList{u"drop"_s, u"keep"_s}));
}

void TestCli::rmRemovesOneTag()
{
    ImageSeeder seeder(m_registry->host());
    ImageSpec spec;
    spec.seed = 71;
    const auto seeded = seeder.seedImage(u"rm/tag"_s, spec, {u"keep"_s, u"drop"_s});
    QVERIFY(seeded.ok());
    const Run run = berth({u"rm"_s, u"--plain-http"_s, u"--yes"_s, ref(u"rm/tag:drop"_s)});
    QCOMPARE(run.code, 0);
    QCOMPARE(run.out, ref(u"rm/tag:drop"_s).toUtf8() + '\n');
    QCOMPARE(tagsOf(u"rm/tag"_s), QStringList{u"keep"_s});
    const Run inspect
            = berth({u"inspect"_s, u"--plain-http"_s, u"--json"_s, ref(u"rm/tag:keep"_s)});
    QCOMPARE(QJsonDocument::fromJson(inspect.out).object().value(u"digest"_s).toString(),
             seeded->digest);
}

void TestCli::rmImageRemovesEveryTag()
{
    ImageSeeder seeder(m_registry->host());
    ImageSpec spec;
    spec.seed = 72;
    const auto doomed = seeder.seedImage(u"rm/image"_s, spec, {u"a"_s, u"b"_s, u"c"_s});
    QVERIFY(doomed.ok());
    spec.seed = 73;
    QVERIFY(seeder.seedImage(u"rm/image"_s, spec, {u"other"_s}).ok());

    const Run run = berth({u"rm"_s, u"--plain-http"_s, u"--image"_s, u"--yes"_s,
                           ref(u"rm/image@"_s + doomed->digest)});
    QCOMPARE(run.code, 0);
    const QStringList lines = QString::fromUtf8(run.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines, (QStringList{ref(u"rm/image:a"_s), ref(u"rm/image:b"_s), ref(u"rm/image:c"_s),
                                 ref(u"rm/image@"_s + doomed->digest)}));
    QCOMPARE(tagsOf(u"rm/image"_s), QStringList{u"other"_s});
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    // (Bare `berth` and `berth HOST/REPOSITORY` open the desktop window: not usage errors.
    // Anything else is the command line's, and never reaches Qt's own option parsing.)
    QTest::newRow("tags without repository") << QStringList{u"tags"_s};
    QTest::newRow("unknown option") << QStringList{u"export"_s, u"--bogus"_s, u"h:1/r"_s};
    QTest::newRow("unknown format")
            << QStringList{u"export"_s, u"--format"_s, u"xml"_s, u"127.0.0.1:1/r"_s};
    QTest::newRow("unknown sort") << QStringList{u"export"_s, u"--sort"_s, u"age"_s,
                                                 u"127.0.0.1:1/r"_s};
    QTest::newRow("bad regex") << QStringList{u"export"_s, u"--filter"_s, u"(a"_s,
                                              u"127.0.0.1:1/r"_s};
    QTest::newRow("export with a tag") << QStringList{u"export"_s, u"127.0.0.1:1/r:1"_s};
    QTest::newRow("pushed without harbor") << QStringList{
            u"export"_s, u"--kind"_s, u"registry"_s, u"--sort"_s, u"pushed"_s, u"127.0.0.1:1/r"_s};
    QTest::newRow("retag to a bad tag")
            << QStringList{u"retag"_s, u"127.0.0.1:1/r:1"_s, u"no/slash"_s};
    QTest::newRow("retag one argument") << QStringList{u"retag"_s, u"127.0.0.1:1/r:1"_s};
    QTest::newRow("rm by digest without --image")
            << QStringList{u"rm"_s, u"127.0.0.1:1/r@sha256:"_s + QString(64, u'a')};
    QTest::newRow("rm without tag") << QStringList{u"rm"_s, u"127.0.0.1:1/r"_s};
    QTest::newRow("repos without host") << QStringList{u"repos"_s, u"noport"_s};
    QTest::newRow("password-stdin without username")
            << QStringList{u"tags"_s, u"--password-stdin"_s, u"127.0.0.1:1/r"_s};
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    const Run run = berth(arguments);
    QCOMPARE(run.code, 2);
    QVERIFY(!run.err.isEmpty());
    QVERIFY(run.out.isEmpty());
}

void TestCli::unknownCommandsAreNamed_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("a typo") << QStringList{u"lss"_s, u"127.0.0.1:1/r"_s};
    QTest::newRow("a word alone") << QStringList{u"cleanpu"_s};
    QTest::newRow("a reference with an option")
            << QStringList{u"127.0.0.1:1/r"_s, u"--platform"_s, u"linux/arm64"_s};
    QTest::newRow("a reference with Qt's -platform")
            << QStringList{u"127.0.0.1:1/r"_s, u"-platform"_s, u"offscreen"_s};
}

void TestCli::unknownCommandsAreNamed()
{
    // Only `berth` and `berth HOST/REPOSITORY` open the window: anything else is a command line
    // that names what it did not understand, with the commands there are, and never reaches
    // Qt's own option parsing (which aborted on --platform).
    QFETCH(QStringList, arguments);
    const Run run = berth(arguments);
    QCOMPARE(run.code, 2);
    QVERIFY(run.out.isEmpty());
    const QByteArray named = "unknown command \"" + arguments.constFirst().toUtf8() + '"';
    QVERIFY2(run.err.contains(named), run.err.constData());
    QVERIFY2(run.err.contains("tags, inspect, export"), run.err.constData());
}

void TestCli::unknownRepository_data()
{
    QTest::addColumn<QString>("command");
    QTest::newRow("tags") << u"tags"_s;
    QTest::newRow("export") << u"export"_s;
    QTest::newRow("inspect") << u"inspect"_s;
}

void TestCli::unknownRepository()
{
    QFETCH(QString, command);
    const Run run = berth({command, u"--plain-http"_s, ref(u"no/such-repository"_s)});
    QCOMPARE(run.code, 1);
    QVERIFY(run.out.isEmpty());
    QVERIFY(run.err.contains("no/such-repository"));
}

void TestCli::basicAuth()
{
    const QString repository = m_secured->host() + u"/auth/app"_s;
    const Run ok = berth({u"tags"_s, u"--plain-http"_s, u"--username"_s, u"berth"_s,
                          u"--password-stdin"_s, repository},
                         "berth-secret\n");
    QCOMPARE(ok.code, 0);
    QStringList listed = QString::fromUtf8(ok.out).split(u'\n', Qt::SkipEmptyParts);
    listed.sort();
    QCOMPARE(listed, (QStringList{u"1"_s, u"2"_s}));

    const Run exported = berth({u"export"_s, u"--plain-http"_s, u"--username"_s, u"berth"_s,
                                u"--password-stdin"_s, repository},
                               "berth-secret\n");
    QCOMPARE(exported.code, 0);
    QCOMPARE(parseCsv(QString::fromUtf8(exported.out)).size(), 3);

    const Run wrong = berth({u"tags"_s, u"--plain-http"_s, u"--username"_s, u"berth"_s,
                             u"--password-stdin"_s, repository},
                            "not-the-password\n");
    QCOMPARE(wrong.code, 1);
    QVERIFY(wrong.out.isEmpty());
    QVERIFY(!wrong.err.isEmpty());
    QVERIFY(!wrong.err.contains("not-the-password"));

    const Run anonymous = berth({u"export"_s, u"--plain-http"_s, repository});
    QCOMPARE(anonymous.code, 1);
    QVERIFY(anonymous.out.isEmpty());
}

QTEST_MAIN(TestCli)
#include "tst_cli.moc"
