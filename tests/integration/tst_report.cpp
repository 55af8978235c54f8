// Reports against the real registry: every format checked field by field against what the
// seeder pushed (images, an index with attestations, a Helm chart, a cosign signature, tags with
// every allowed character), CSV parsed back, JSON validated against docs/report-schema.json,
// HTML parsed by QTextDocument, one row per platform, sorting, Harbor columns, 10,000 tags in
// bounded memory, and cancel or failure leaving no file behind.

#include "reporttestutil.h"

#include "imageseeder.h"
#include "registryprocess.h"
#include "storagetags.h"

#include "models/metadata/metadataservice.h"
#include "models/report/markdownreportwriter.h"
#include "models/report/reportjob.h"
#include "models/session/registrysession.h"
#include "models/tags/naturalcompare.h"
#include "net/core/imagereference.h"
#include "net/oci/ocibackend.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QBuffer>
#include <QDir>
#include <QElapsedTimer>
#include <QLocale>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

//! Harbor's extras, invented per tag: pushed one hour apart in a shuffled order of the tags
//! given, labels with a comma (CSV quoting), a scan summary (no count zero) for every other tag.
QHash<QString, TagExtras> inventExtras(const QStringList &tags)
{
    QHash<QString, TagExtras> out;
    const QDateTime base(QDate(2024, 6, 1), QTime(12, 0), Qt::UTC);
    for (qsizetype i = 0; i < tags.size(); ++i) {
        TagExtras extras;
        extras.tag = tags.at(i);
        extras.pushed = base.addSecs(3600 * ((i * 7) % tags.size()));
        extras.pulled = i % 2 ? QDateTime() : base.addDays(1);
        extras.labels = {HarborLabel{u"team-a"_s, {}, {}}, HarborLabel{u"needs, review"_s, {}, {}}};
        if (i % 2 == 0) {
            extras.vulnerabilities.scanStatus = u"Success"_s;
            extras.vulnerabilities.bySeverity = {{u"Critical"_s, int(i) + 1}, {u"High"_s, 2}};
        }
        out.insert(tags.at(i), extras);
    }
    return out;
}

//! A plain registry that also keeps extras per tag (as Harbor does): the report gets them
//! through the MetadataService, which asks the backend. Everything else is the registry's.
class ExtrasBackend final : public RegistryBackend
{
public:
    ExtrasBackend(RegistryBackend *registry, const QHash<QString, TagExtras> &extras)
        : m_registry(registry)
        , m_extras(extras)
    {
        m_registry->setParent(this);
    }

    QString kindName() const override { return m_registry->kindName(); }
    QString registryHost() const override { return m_registry->registryHost(); }
    ResultJob<void> *connectToRegistry() override { return m_registry->connectToRegistry(); }
    Pager *createRepositoryPager(const QString &prefix, QObject *parent) override
    {
        return m_registry->createRepositoryPager(prefix, parent);
    }
    using RegistryBackend::createTagPager;
    Pager *createTagPager(const QString &repository, QObject *parent) override
    {
        return m_registry->createTagPager(repository, parent);
    }
    bool hasTagExtras() const override { return true; }
    ResultJob<TagExtras> *fetchTagExtras(const QString &, const QString &tag, Priority) override
    {
        return finishedJob<TagExtras>(m_extras.value(tag), this);
    }
    ResultJob<TagDigest> *resolveTag(const QString &repository, const QString &tag,
                                     Priority priority) override
    {
        return m_registry->resolveTag(repository, tag, priority);
    }
    ResultJob<ImageMetadata> *fetchMetadata(const QString &repository, const QString &reference,
                                            Priority priority) override
    {
        return m_registry->fetchMetadata(repository, reference, priority);
    }
    ResultJob<FetchedManifest> *fetchManifest(const QString &repository, const QString &reference,
                                              Priority priority) override
    {
        return m_registry->fetchManifest(repository, reference, priority);
    }
    ResultJob<QString> *addTag(const QString &repository, const QString &sourceReference,
                               const QString &targetRepository, const QString &newTag) override
    {
        return m_registry->addTag(repository, sourceReference, targetRepository, newTag);
    }
    ResultJob<void> *deleteTag(const QString &repository, const QString &tag,
                               const QString &expectedDigest) override
    {
        return m_registry->deleteTag(repository, tag, expectedDigest);
    }
    ResultJob<void> *deleteImage(const QString &repository, const QString &digest) override
    {
        return m_registry->deleteImage(repository, digest);
    }
    ResultJob<QString> *putManifest(const QString &repository, const QString &reference,
                                    const QByteArray &bytes, const QString &mediaType) override
    {
        return m_registry->putManifest(repository, reference, bytes, mediaType);
    }
    ResultJob<bool> *blobExists(const QString &repository, const QString &digest) override
    {
        return m_registry->blobExists(repository, digest);
    }
    RequestScheduler *scheduler() const override { return m_registry->scheduler(); }

private:
    RegistryBackend *m_registry;
    QHash<QString, TagExtras> m_extras;
};

//! A session on the registry (made directly: reports send no detection requests); with extras,
//! on an ExtrasBackend.
struct Stack
{
    explicit Stack(const QString &host, const QHash<QString, TagExtras> &extras = {})
        : scheduler(&nam)
        , session(BackendInfo(), makeBackend(host, extras), nullptr)
    {}
    RegistryBackend *makeBackend(const QString &host, const QHash<QString, TagExtras> &extras)
    {
        RegistryEndpoint endpoint;
        endpoint.host = host;
        endpoint.scheme = RegistryEndpoint::Scheme::Http;
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
        auto *registry = new OciBackend(endpoint, &scheduler);
        if (extras.isEmpty())
            return registry;
        return new ExtrasBackend(registry, extras);
    }
    MetadataService *service() const { return session.metadata(); }

    NetworkAccessManager nam;
    RequestScheduler scheduler;
    RegistrySession session;
};

struct Outcome
{
    Error error;
    QByteArray bytes;
    qint64 rows = 0;
    qint64 failed = 0;
    qint64 extrasRequested = 0;
    bool fileExists = false;
};

//! Peak resident set size of this process so far, in kB (/proc/self/status VmHWM).
qint64 peakRssKb()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    }
    return -1;
}

QString cellText(const QTextTableCell &cell)
{
    QTextCursor cursor = cell.firstCursorPosition();
    cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor::KeepAnchor);
    // QTextDocument keeps spaces inside a cell as no-break spaces.
    return cursor.selectedText().replace(QChar(0x00A0), u' ');
}

QTextTable *firstTable(QTextDocument &document)
{
    const QList<QTextFrame *> frames = document.rootFrame()->childFrames();
    for (QTextFrame *frame : frames) {
        if (auto *table = qobject_cast<QTextTable *>(frame))
            return table;
    }
    return nullptr;
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void csvMatchesSeededImages();
    void jsonValidatesAndMatches();
    void markdownTableMatches();
    void htmlParsesAndHasEveryRow();
    void perPlatformRows();
    void sortsAndFilters_data();
    void sortsAndFilters();
    void sortDirection_data();
    void sortDirection();
    void selectionOnly();
    void harborColumns();
    void parseColumns_data();
    void parseColumns();
    void chosenColumns();
    void streamsToADevice();
    void unknownRepositoryFailsWithoutFile();
    void tenThousandTagsInBoundedMemory();
    void cancelLeavesNoFile();

private:
    //! A report on stack (null: m_stack, the plain registry).
    Outcome run(ReportOptions options, Stack *stack = nullptr, int timeoutMs = 60000);
    QString display() const { return m_registry->host() + u"/report/app"_s; }
    void checkCommon(const QString &tag, const QStringList &fields);

    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<Stack> m_stack;
    QTemporaryDir m_out;
    QHash<QString, SeededImage> m_byTag; // report/app
    QStringList m_tags;
    QString m_longTag;
    SeededImage m_index;
    QHash<QString, QString> m_bigDigest; // big/report tag -> digest
    QHash<QString, SeededImage> m_bigImages;
};

void TestReport::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    ImageSeeder seeder(m_registry->host());
    const QString repo = u"report/app"_s;

    // Tags with every allowed character, and one of the longest allowed length.
    m_longTag = u"T"_s + u"_a.b-9"_s.repeated(21) + u"Z"_s;
    QCOMPARE(m_longTag.size(), 128);
    QVERIFY(ImageReference::isValidTag(m_longTag));

    ImageSpec oci;
    oci.seed = 1;
    oci.layers = 2;
    auto image = seeder.seedImage(repo, oci, {u"A_b-1.2"_s, u"latest"_s});
    QVERIFY2(image.ok(), qPrintable(image.error().toString()));
    ImageSpec docker;
    docker.seed = 2;
    docker.format = ManifestFormat::Docker;
    docker.architecture = u"arm"_s;
    docker.variant = u"v7"_s;
    auto dockerImage = seeder.seedImage(repo, docker, {m_longTag});
    QVERIFY2(dockerImage.ok(), qPrintable(dockerImage.error().toString()));
    ImageSpec older;
    older.seed = 3;
    older.created = QDateTime(QDate(2021, 2, 3), QTime(4, 5, 6), Qt::UTC);
    auto olderImage = seeder.seedImage(repo, older, {u"1.9"_s});
    QVERIFY2(olderImage.ok(), qPrintable(olderImage.error().toString()));

    IndexSpec index;
    index.attestations = true;
    for (const auto &[arch, variant] :
         {std::pair{u"amd64"_s, QString()}, std::pair{u"arm64"_s, u"v8"_s}}) {
        ImageSpec platform;
        platform.seed = quint64(10 + arch.size());
        platform.architecture = arch;
        platform.variant = variant;
        index.platforms.append(platform);
    }
    auto pushedIndex = seeder.seedIndex(repo, index, {u"1.10"_s});
    QVERIFY2(pushedIndex.ok(), qPrintable(pushedIndex.error().toString()));
    m_index = *pushedIndex;
    QCOMPARE(m_index.attestations.size(), 2);

    auto chart = seeder.seedHelmChart(repo, ChartSpec{}, {u"chart-0.1.0"_s});
    QVERIFY2(chart.ok(), qPrintable(chart.error().toString()));
    auto signature = seeder.seedSignature(*image);
    QVERIFY2(signature.ok(), qPrintable(signature.error().toString()));

    for (const SeededImage &seeded :
         {*image, *dockerImage, *olderImage, *pushedIndex, *chart, *signature}) {
        for (const QString &tag : seeded.tags)
            m_byTag.insert(tag, seeded);
    }
    m_tags = m_byTag.keys();
    std::sort(m_tags.begin(), m_tags.end(),
              [](const QString &a, const QString &b) { return naturalCompare(a, b) < 0; });

    // big/report: 5 images, 10,000 tags written straight into storage.
    QList<SeededImage> bigImages;
    for (int i = 0; i < 5; ++i) {
        ImageSpec spec;
        spec.seed = quint64(200 + i);
        auto pushed = seeder.seedImage(u"big/report"_s, spec, {u"seed-%1"_s.arg(i)});
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        bigImages.append(*pushed);
        m_bigDigest.insert(u"seed-%1"_s.arg(i), pushed->digest);
        m_bigImages.insert(pushed->digest, *pushed);
    }
    QHash<QString, QStringList> tagsByDigest;
    for (int i = 0; i < 10000 - 5; ++i) {
        const QString digest = bigImages.at(i % 5).digest;
        tagsByDigest[digest].append(u"v%1"_s.arg(i));
        m_bigDigest.insert(u"v%1"_s.arg(i), digest);
    }
    for (auto it = tagsByDigest.cbegin(); it != tagsByDigest.cend(); ++it) {
        QVERIFY2(writeTagsIntoStorage(m_registry->storageDir(), u"big/report"_s, it.key(),
                                      it.value(), &error),
                 qPrintable(error));
    }
    m_stack = std::make_unique<Stack>(m_registry->host());
    QVERIFY(m_out.isValid());
}

Outcome TestReport::run(ReportOptions options, Stack *stack, int timeoutMs)
{
    static int counter = 0;
    if (options.repository.isEmpty())
        options.repository = u"report/app"_s;
    if (options.repositoryDisplayName.isEmpty())
        options.repositoryDisplayName = m_registry->host() + u'/' + options.repository;
    if (options.destination.isEmpty())
        options.destination = m_out.filePath(
                u"report-%1%2"_s.arg(++counter).arg(reportFormatSuffix(options.format)));
    ReportJob job((stack ? stack : m_stack.get())->service(), options);
    QSignalSpy finished(&job, &ReportJob::finished);
    job.start();
    Outcome outcome;
    if (!finished.wait(timeoutMs)) {
        outcome.error = Error(ErrorCode::Timeout, u"report did not finish"_s);
        return outcome;
    }
    outcome.error = finished.constFirst().constFirst().value<Error>();
    outcome.rows = job.rowsWritten();
    outcome.failed = job.failedTags();
    outcome.extrasRequested = job.extrasRequested();
    QFile file(options.destination);
    outcome.fileExists = file.exists();
    if (file.open(QIODevice::ReadOnly))
        outcome.bytes = file.readAll();
    return outcome;
}

void TestReport::checkCommon(const QString &tag, const QStringList &fields)
{
    // repository,tag,digest,kind,media_type,platforms,size_bytes,created
    const SeededImage &seeded = m_byTag.value(tag);
    QCOMPARE(fields.at(0), display());
    QCOMPARE(fields.at(1), tag);
    QCOMPARE(fields.at(2), seeded.digest);
    QCOMPARE(fields.at(3), artifactKindText(seeded.kind));
    QCOMPARE(fields.at(4), seeded.mediaType);
    QCOMPARE(fields.at(5), expectedPlatforms(seeded).join(u';'));
    QCOMPARE(fields.at(6), QString::number(seeded.size));
    QCOMPARE(fields.at(7), expectedTime(expectedCreated(seeded)));
}

void TestReport::csvMatchesSeededImages()
{
    // When a CSV report of the repository is made
    ReportOptions options;
    options.format = ReportFormat::Csv;
    const Outcome out = run(options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    QVERIFY(!out.bytes.startsWith("\xEF\xBB\xBF")); // no byte order mark

    // Then it parses back as RFC 4180 with CRLF records, the exact header, and one row per tag
    QVERIFY(out.bytes.contains("\r\n"));
    QString error;
    const QList<QStringList> records = parseCsv(QString::fromUtf8(out.bytes), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(records.constFirst().join(u','),
             u"repository,tag,digest,kind,media_type,platforms,size_bytes,created"_s);
    QCOMPARE(records.size() - 1, m_tags.size());
    for (qsizetype i = 1; i < records.size(); ++i) {
        QCOMPARE(records.at(i).size(), 8);
        QCOMPARE(records.at(i).at(1), m_tags.at(i - 1)); // natural order
        checkCommon(m_tags.at(i - 1), records.at(i));
    }
    // And natural order puts 1.9 before 1.10; the index lists its platforms, not attestations
    QVERIFY(m_tags.indexOf(u"1.9"_s) < m_tags.indexOf(u"1.10"_s));
    const QStringList indexRow = records.at(m_tags.indexOf(u"1.10"_s) + 1);
    QCOMPARE(indexRow.at(5), u"linux/amd64;linux/arm64/v8"_s);
    qint64 platformSum = 0;
    for (const SeededPlatform &p : m_index.platforms)
        platformSum += p.size;
    QCOMPARE(indexRow.at(6).toLongLong(), platformSum);
    QCOMPARE(records.at(m_tags.indexOf(u"chart-0.1.0"_s) + 1).at(3), u"chart"_s);
}

void TestReport::jsonValidatesAndMatches()
{
    ReportOptions options;
    options.format = ReportFormat::Json;
    const Outcome out = run(options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(out.bytes, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));

    // Then it is valid against the documented schema
    const QJsonObject schema = loadReportSchema();
    QVERIFY(!schema.isEmpty());
    const MiniSchemaValidator validator(schema);
    const QStringList problems = validator.validate(document.object());
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    // (and the validator does catch a broken document)
    QJsonObject broken = document.object();
    QJsonArray brokenTags = broken.value(u"tags"_s).toArray();
    QJsonObject firstTag = brokenTags.at(0).toObject();
    firstTag.insert(u"digest"_s, 5);
    firstTag.insert(u"size"_s, -5);
    brokenTags[0] = firstTag;
    broken.insert(u"tags"_s, brokenTags);
    QCOMPARE(validator.validate(broken).size(), 2);

    // And every field matches the seeded image, with `berth inspect --json` field names
    const QJsonObject root = document.object();
    QCOMPARE(root.value(u"repository"_s).toString(), display());
    QVERIFY(QDateTime::fromString(root.value(u"generated"_s).toString(), Qt::ISODate).isValid());
    QCOMPARE(root.value(u"order"_s).toString(), u"asc"_s);
    QCOMPARE(root.value(u"columns"_s).toArray().toVariantList().size(), 8);
    const QJsonArray tags = root.value(u"tags"_s).toArray();
    QCOMPARE(tags.size(), m_tags.size());
    for (qsizetype i = 0; i < tags.size(); ++i) {
        const QJsonObject entry = tags.at(i).toObject();
        // The default columns: every field of a tag entry is there (the schema requires none,
        // since a column choice leaves fields out)
        for (const QString &key : {u"tag"_s, u"digest"_s, u"mediaType"_s, u"kind"_s, u"size"_s,
                                   u"created"_s, u"platforms"_s, u"attestations"_s})
            QVERIFY2(entry.contains(key), qPrintable(key));
        QVERIFY(!entry.contains(u"harbor"_s));
        const QString tag = entry.value(u"tag"_s).toString();
        QCOMPARE(tag, m_tags.at(i));
        const SeededImage &seeded = m_byTag.value(tag);
        QCOMPARE(entry.value(u"digest"_s).toString(), seeded.digest);
        QCOMPARE(entry.value(u"mediaType"_s).toString(), seeded.mediaType);
        QCOMPARE(entry.value(u"kind"_s).toString(), artifactKindText(seeded.kind));
        QCOMPARE(entry.value(u"size"_s).toInteger(), seeded.size);
        if (expectedCreated(seeded).isValid())
            QCOMPARE(entry.value(u"created"_s).toString(), expectedTime(expectedCreated(seeded)));
        else
            QVERIFY(entry.value(u"created"_s).isNull());
        const QJsonArray platforms = entry.value(u"platforms"_s).toArray();
        QStringList names;
        for (const QJsonValue &p : platforms) {
            const QJsonObject o = p.toObject();
            if (o.value(u"os"_s).toString().isEmpty())
                continue;
            QString name
                    = o.value(u"os"_s).toString() + u'/' + o.value(u"architecture"_s).toString();
            if (o.contains(u"variant"_s))
                name += u'/' + o.value(u"variant"_s).toString();
            names.append(name);
        }
        QCOMPARE(names, expectedPlatforms(seeded));
        if (seeded.kind == ArtifactKind::Index) {
            QCOMPARE(platforms.size(), seeded.platforms.size());
            for (qsizetype p = 0; p < platforms.size(); ++p) {
                const QJsonObject o = platforms.at(p).toObject();
                QCOMPARE(o.value(u"digest"_s).toString(), seeded.platforms.at(p).digest);
                QCOMPARE(o.value(u"size"_s).toInteger(), seeded.platforms.at(p).size);
                QCOMPARE(o.value(u"created"_s).toString(),
                         expectedTime(seeded.platforms.at(p).created));
            }
            QStringList attestations;
            for (const QJsonValue &a : entry.value(u"attestations"_s).toArray())
                attestations.append(a.toObject().value(u"digest"_s).toString());
            QCOMPARE(attestations, seeded.attestationDigests());
        }
    }
}

void TestReport::markdownTableMatches()
{
    ReportOptions options;
    options.format = ReportFormat::Markdown;
    const Outcome out = run(options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    const QStringList lines = QString::fromUtf8(out.bytes).split(u'\n', Qt::SkipEmptyParts);
    const qsizetype header = lines.indexOf(
            u"| repository | tag | digest | kind | media_type | platforms | size_bytes | created |"_s);
    QVERIFY(header > 0);
    QVERIFY(lines.at(header + 1).startsWith(u"|---|"_s));
    QCOMPARE(lines.size() - header - 2, m_tags.size());
    for (qsizetype i = 0; i < m_tags.size(); ++i) {
        QString line = lines.at(header + 2 + i);
        // Split on pipes that are not escaped; unescape \| and \\ in the cells.
        QStringList cells;
        QString current;
        for (qsizetype c = 1; c < line.size(); ++c) {
            if (line.at(c) == u'\\' && c + 1 < line.size()) {
                current += line.at(++c);
            } else if (line.at(c) == u'|') {
                cells.append(current.trimmed());
                current.clear();
            } else {
                current += line.at(c);
            }
        }
        QCOMPARE(cells.size(), 8);
        checkCommon(m_tags.at(i), cells);
    }
    // And a pipe in a cell is escaped
    QCOMPARE(MarkdownReportWriter::cell(u"a|b\\c\nd"_s), u"a\\|b\\\\c d"_s);
}

void TestReport::htmlParsesAndHasEveryRow()
{
    ReportOptions options;
    options.format = ReportFormat::Html;
    const Outcome out = run(options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    const QString html = QString::fromUtf8(out.bytes);

    // Self-contained: no external resource of any kind, and a policy that forbids fetching
    static const QRegularExpression external(uR"((src|href)\s*=|@import|url\()"_s);
    QVERIFY(!external.match(html).hasMatch());
    QVERIFY(html.contains(u"default-src 'none'"_s));
    QVERIFY(html.contains(u"<script>"_s) && html.contains(u"<svg"_s));

    // QTextDocument parses it and finds the table with every row
    QTextDocument document;
    document.setHtml(html);
    QTextTable *table = firstTable(document);
    QVERIFY(table);
    QCOMPARE(table->rows(), m_tags.size() + 1);
    QCOMPARE(cellText(table->cellAt(0, 0)), u"Tag"_s);
    for (int row = 1; row < table->rows(); ++row) {
        const QString tag = cellText(table->cellAt(row, 0));
        QCOMPARE(tag, m_tags.at(row - 1));
        const SeededImage &seeded = m_byTag.value(tag);
        QCOMPARE(cellText(table->cellAt(row, 1)), seeded.digest);
        QCOMPARE(cellText(table->cellAt(row, 2)), artifactKindText(seeded.kind));
        QCOMPARE(cellText(table->cellAt(row, 3)), seeded.mediaType);
        QCOMPARE(cellText(table->cellAt(row, 4)), expectedPlatforms(seeded).join(u", "_s));
        QCOMPARE(cellText(table->cellAt(row, 5)),
                 QLocale::c().formattedDataSize(seeded.size, 1, QLocale::DataSizeSIFormat));
        QCOMPARE(cellText(table->cellAt(row, 6)), expectedTime(expectedCreated(seeded)));
        // The exact bytes sit in the sort attribute
        QVERIFY(html.contains(u"data-v=\"%1\">"_s.arg(seeded.size)));
    }

    // Summary figures: tags, distinct images, total and unique size, oldest / newest
    QSet<QString> digests;
    qint64 total = 0, unique = 0;
    QDateTime oldest, newest;
    for (const QString &tag : std::as_const(m_tags)) {
        const SeededImage &s = m_byTag.value(tag);
        total += s.size;
        if (!digests.contains(s.digest))
            unique += s.size;
        digests.insert(s.digest);
        const QDateTime created = expectedCreated(s);
        if (created.isValid() && (!oldest.isValid() || created < oldest))
            oldest = created;
        if (created.isValid() && (!newest.isValid() || created > newest))
            newest = created;
    }
    const auto figure = [&html](const QString &id) {
        const QRegularExpression re(u"<dd id=\"%1\">([^<]*)</dd>"_s.arg(id));
        return re.match(html).captured(1);
    };
    QCOMPARE(figure(u"sum-tags"_s), QString::number(m_tags.size()));
    QCOMPARE(figure(u"sum-images"_s), QString::number(digests.size()));
    QVERIFY(figure(u"sum-total"_s).contains(u"(%1 bytes)"_s.arg(total)));
    QVERIFY(figure(u"sum-unique"_s).contains(u"(%1 bytes)"_s.arg(unique)));
    QVERIFY(total > unique); // "latest" shares A_b-1.2's image
    QVERIFY(figure(u"sum-oldest"_s).startsWith(expectedTime(oldest) + u" (1.9)"_s));
    QVERIFY(figure(u"sum-newest"_s).startsWith(expectedTime(newest)));
    // One bar per month, its count the tags created that month
    QHash<QString, int> perMonth;
    for (const QString &tag : std::as_const(m_tags)) {
        const SeededImage &s = m_byTag.value(tag);
        if (expectedCreated(s).isValid())
            ++perMonth[expectedCreated(s).toUTC().toString(u"yyyy-MM")];
    }
    for (auto it = perMonth.cbegin(); it != perMonth.cend(); ++it)
        QVERIFY2(html.contains(
                         u"data-month=\"%1\" data-count=\"%2\""_s.arg(it.key()).arg(it.value())),
                 qPrintable(it.key()));
    QCOMPARE(html.count(u"<circle "_s), digests.size() - 1); // the signature has no time

    // A headless Chromium, when installed, builds the same table from it
    if (QFile::exists(u"/usr/bin/chromium"_s)) {
        const QString path = m_out.filePath(u"chromium.html"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(out.bytes);
        file.close();
        QProcess chromium;
        chromium.start(u"/usr/bin/chromium"_s,
                       {u"--headless"_s, u"--no-sandbox"_s, u"--disable-gpu"_s, u"--dump-dom"_s,
                        QUrl::fromLocalFile(path).toString()});
        QVERIFY(chromium.waitForFinished(60000));
        const QString dom = QString::fromUtf8(chromium.readAllStandardOutput());
        QCOMPARE(dom.count(u"<tr>"_s), m_tags.size() + 1);
    }
}

void TestReport::perPlatformRows()
{
    ReportOptions options;
    options.format = ReportFormat::Csv;
    options.perPlatform = true;
    const Outcome out = run(options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    const QList<QStringList> records = parseCsv(QString::fromUtf8(out.bytes));
    // One row per platform of the index, one row for everything else
    QCOMPARE(records.size() - 1, m_tags.size() - 1 + m_index.platforms.size());
    QList<QStringList> indexRows;
    for (const QStringList &record : records) {
        if (record.at(1) == u"1.10")
            indexRows.append(record);
        else if (record.at(1) != u"tag")
            checkCommon(record.at(1), record);
    }
    QCOMPARE(indexRows.size(), m_index.platforms.size());
    for (qsizetype i = 0; i < indexRows.size(); ++i) {
        const SeededPlatform &p = m_index.platforms.at(i);
        QCOMPARE(indexRows.at(i).at(2), p.digest);
        QCOMPARE(indexRows.at(i).at(3), u"image"_s);
        QCOMPARE(indexRows.at(i).at(4), p.mediaType);
        QCOMPARE(indexRows.at(i).at(5), p.platform());
        QCOMPARE(indexRows.at(i).at(6), QString::number(p.size));
        QCOMPARE(indexRows.at(i).at(7), expectedTime(p.created));
    }
    // JSON names the index each platform row came from
    options.format = ReportFormat::Json;
    const Outcome json = run(options);
    QVERIFY2(!json.error.isError(), qPrintable(json.error.toString()));
    const QJsonObject root = QJsonDocument::fromJson(json.bytes).object();
    QVERIFY2(MiniSchemaValidator(loadReportSchema()).validate(root).isEmpty(), "schema");
    int withIndex = 0;
    for (const QJsonValue &entry : root.value(u"tags"_s).toArray()) {
        if (entry.toObject().value(u"index"_s).toString() == m_index.digest)
            ++withIndex;
    }
    QCOMPARE(withIndex, m_index.platforms.size());
}

void TestReport::sortsAndFilters_data()
{
    QTest::addColumn<ReportSort>("sort");
    QTest::addColumn<QString>("filter");
    QTest::newRow("size") << ReportSort::Size << QString();
    QTest::newRow("created") << ReportSort::Created << QString();
    QTest::newRow("tag, filtered") << ReportSort::Tag << u"^[0-9]|^A_"_s;
    QTest::newRow("created, filtered") << ReportSort::Created << u"\\."_s;
}

void TestReport::sortsAndFilters()
{
    QFETCH(ReportSort, sort);
    QFETCH(QString, filter);
    ReportOptions options;
    options.sort = sort;
    options.filter = filter;
    const Outcome out = run(options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    const QList<QStringList> records = parseCsv(QString::fromUtf8(out.bytes));

    // The expected order, computed from the seeded values
    QStringList expected;
    const QRegularExpression re(filter);
    for (const QString &tag : std::as_const(m_tags)) {
        if (filter.isEmpty() || re.match(tag).hasMatch())
            expected.append(tag);
    }
    const auto key = [this, sort](const QString &tag) -> qint64 {
        const SeededImage &s = m_byTag.value(tag);
        if (sort == ReportSort::Size)
            return s.size;
        if (sort == ReportSort::Created)
            return expectedCreated(s).isValid() ? expectedCreated(s).toMSecsSinceEpoch()
                                                : std::numeric_limits<qint64>::min();
        return 0;
    };
    std::stable_sort(expected.begin(), expected.end(), [&key](const QString &a, const QString &b) {
        return key(a) > key(b); // m_tags is in natural order already: ties keep it
    });
    QStringList got;
    for (qsizetype i = 1; i < records.size(); ++i) {
        got.append(records.at(i).at(1));
        checkCommon(records.at(i).at(1), records.at(i));
    }
    QCOMPARE(got, expected);
    QVERIFY(!got.isEmpty());
}

void TestReport::sortDirection_data()
{
    QTest::addColumn<ReportSort>("sort");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::newRow("size, smallest first") << ReportSort::Size << Qt::AscendingOrder;
    QTest::newRow("created, oldest first") << ReportSort::Created << Qt::AscendingOrder;
    QTest::newRow("created, newest first") << ReportSort::Created << Qt::DescendingOrder;
    QTest::newRow("tag, descending") << ReportSort::Tag << Qt::DescendingOrder;
}

void TestReport::sortDirection()
{
    QFETCH(ReportSort, sort);
    QFETCH(Qt::SortOrder, order);
    ReportOptions options;
    options.sort = sort;
    options.order = order;
    const Outcome out = run(options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    QStringList got;
    const QList<QStringList> records = parseCsv(QString::fromUtf8(out.bytes));
    for (qsizetype i = 1; i < records.size(); ++i)
        got.append(records.at(i).at(1));

    // Expected from the seeded values: unknown last either way, ties in ascending tag order
    QStringList expected = m_tags;
    if (sort == ReportSort::Tag) {
        std::reverse(expected.begin(), expected.end());
    } else {
        const auto key = [this, sort](const QString &tag) -> std::optional<qint64> {
            const SeededImage &s = m_byTag.value(tag);
            if (sort == ReportSort::Size)
                return s.size;
            if (expectedCreated(s).isValid())
                return expectedCreated(s).toMSecsSinceEpoch();
            return std::nullopt;
        };
        std::stable_sort(expected.begin(), expected.end(),
                         [&key, order](const QString &a, const QString &b) {
                             const auto ka = key(a), kb = key(b);
                             if (!ka || !kb)
                                 return ka.has_value() && !kb.has_value();
                             return order == Qt::AscendingOrder ? *ka < *kb : *ka > *kb;
                         });
    }
    QCOMPARE(got, expected);
    // (the seeded set has unknown creation times, so "unknown last" is tested)
    if (sort == ReportSort::Created) {
        QVERIFY(!expectedCreated(m_byTag.value(got.constLast())).isValid());
        QVERIFY(expectedCreated(m_byTag.value(got.constFirst())).isValid());
    }
    // And the JSON header says the direction
    options.format = ReportFormat::Json;
    const Outcome json = run(options);
    QCOMPARE(QJsonDocument::fromJson(json.bytes).object().value(u"order"_s).toString(),
             order == Qt::AscendingOrder ? u"asc"_s : u"desc"_s);
}

void TestReport::parseColumns_data()
{
    QTest::addColumn<QString>("list");
    QTest::addColumn<QStringList>("columns"); // empty = refused
    QTest::addColumn<QString>("error");
    QTest::newRow("order kept") << u"size_bytes,tag"_s << QStringList{u"size_bytes"_s, u"tag"_s}
                                << QString();
    QTest::newRow("spaces") << u" tag , digest "_s << QStringList{u"tag"_s, u"digest"_s}
                            << QString();
    QTest::newRow("harbor") << u"pushed,vulnerabilities"_s
                            << QStringList{u"pushed"_s, u"vulnerabilities"_s} << QString();
    QTest::newRow("unknown") << u"tag,size"_s << QStringList() << u"unknown column \"size\""_s;
    QTest::newRow("case") << u"Tag"_s << QStringList() << u"unknown column \"Tag\""_s;
    QTest::newRow("twice") << u"tag,digest,tag"_s << QStringList()
                           << u"column \"tag\" given twice"_s;
    QTest::newRow("empty") << u","_s << QStringList() << u"no columns given"_s;
}

void TestReport::parseColumns()
{
    QFETCH(QString, list);
    QFETCH(QStringList, columns);
    QFETCH(QString, error);
    QString message;
    const auto parsed = parseReportColumns(list, &message);
    QCOMPARE(parsed.has_value(), !columns.isEmpty());
    QCOMPARE(message, error);
    if (parsed)
        QCOMPARE(ReportWriter::columnNames(*parsed), columns);
    // Every documented name round-trips, in the documented order
    QCOMPARE(ReportWriter::columnNames(allReportColumns(true)), ReportWriter::columns(true));
}

void TestReport::chosenColumns()
{
    // Given a choice of columns in an order of its own
    ReportOptions options;
    options.columns = {ReportColumn::Tag, ReportColumn::Size, ReportColumn::Digest,
                       ReportColumn::Platforms};

    // CSV: that header, and the fields parse back to the seeded values
    const Outcome csv = run(options);
    QVERIFY2(!csv.error.isError(), qPrintable(csv.error.toString()));
    const QList<QStringList> records = parseCsv(QString::fromUtf8(csv.bytes));
    QCOMPARE(records.constFirst().join(u','), u"tag,size_bytes,digest,platforms"_s);
    QCOMPARE(records.size() - 1, m_tags.size());
    for (qsizetype i = 1; i < records.size(); ++i) {
        const QStringList &r = records.at(i);
        QCOMPARE(r.size(), 4);
        const SeededImage &seeded = m_byTag.value(r.at(0));
        QCOMPARE(r.at(0), m_tags.at(i - 1));
        QCOMPARE(r.at(1), QString::number(seeded.size));
        QCOMPARE(r.at(2), seeded.digest);
        QCOMPARE(r.at(3), expectedPlatforms(seeded).join(u';'));
    }

    // JSON: only the chosen fields (platforms brings attestations), valid against the schema
    options.format = ReportFormat::Json;
    const Outcome json = run(options);
    QVERIFY2(!json.error.isError(), qPrintable(json.error.toString()));
    const QJsonObject root = QJsonDocument::fromJson(json.bytes).object();
    const QStringList problems = MiniSchemaValidator(loadReportSchema()).validate(root);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    QCOMPARE(root.value(u"columns"_s).toVariant().toStringList(),
             (QStringList{u"tag"_s, u"size_bytes"_s, u"digest"_s, u"platforms"_s}));
    const QJsonArray tags = root.value(u"tags"_s).toArray();
    QCOMPARE(tags.size(), m_tags.size());
    for (const QJsonValue &value : tags) {
        const QJsonObject entry = value.toObject();
        QStringList keys = entry.keys();
        keys.removeAll(u"warnings"_s);
        QCOMPARE(keys, (QStringList{u"attestations"_s, u"digest"_s, u"platforms"_s, u"size"_s,
                                    u"tag"_s}));
        const SeededImage &seeded = m_byTag.value(entry.value(u"tag"_s).toString());
        QCOMPARE(entry.value(u"size"_s).toInteger(), seeded.size);
        QCOMPARE(entry.value(u"digest"_s).toString(), seeded.digest);
    }

    // Markdown: the chosen header
    options.format = ReportFormat::Markdown;
    const Outcome md = run(options);
    QVERIFY2(!md.error.isError(), qPrintable(md.error.toString()));
    const QStringList lines = QString::fromUtf8(md.bytes).split(u'\n', Qt::SkipEmptyParts);
    const qsizetype header = lines.indexOf(u"| tag | size_bytes | digest | platforms |"_s);
    QVERIFY(header > 0);
    QCOMPARE(lines.at(header + 1), u"|---|---:|---|---|"_s);
    QCOMPARE(lines.size() - header - 2, m_tags.size());

    // HTML: the chosen headers, every row with four cells
    options.format = ReportFormat::Html;
    const Outcome html = run(options);
    QVERIFY2(!html.error.isError(), qPrintable(html.error.toString()));
    QTextDocument document;
    document.setHtml(QString::fromUtf8(html.bytes));
    QTextTable *table = firstTable(document);
    QVERIFY(table);
    QCOMPARE(table->columns(), 4);
    QCOMPARE(table->rows(), m_tags.size() + 1);
    QStringList headers;
    for (int c = 0; c < 4; ++c)
        headers.append(cellText(table->cellAt(0, c)).trimmed());
    QCOMPARE(headers, (QStringList{u"Tag"_s, u"Size"_s, u"Digest"_s, u"Platforms"_s}));

    // A Harbor column without Harbor's extras is refused, and leaves no file
    options.format = ReportFormat::Csv;
    options.columns = {ReportColumn::Tag, ReportColumn::Labels};
    const Outcome refused = run(options);
    QCOMPARE(refused.error.code, ErrorCode::InvalidInput);
    QVERIFY(refused.error.message.contains(u"labels"_s));
    QVERIFY(!refused.fileExists);
}

void TestReport::selectionOnly()
{
    ReportOptions options;
    options.tags = {u"latest"_s, m_longTag, u"1.10"_s};
    const Outcome out = run(options);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    const QList<QStringList> records = parseCsv(QString::fromUtf8(out.bytes));
    QCOMPARE(records.size(), 4);
    QCOMPARE(records.at(1).at(1), u"1.10"_s);
    QCOMPARE(records.at(2).at(1), u"latest"_s);
    QCOMPARE(records.at(3).at(1), m_longTag);
    for (qsizetype i = 1; i < records.size(); ++i)
        checkCommon(records.at(i).at(1), records.at(i));
}

void TestReport::harborColumns()
{
    // Given a registry that keeps Harbor's extras
    const QHash<QString, TagExtras> extras = inventExtras(m_tags);
    Stack stack(m_registry->host(), extras);
    ReportOptions options;
    options.sort = ReportSort::Pushed;
    const Outcome out = run(options, &stack);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    // (its plain listing brings none along: every tag's extras are asked of the service)
    QCOMPARE(out.extrasRequested, m_tags.size());
    const QList<QStringList> records = parseCsv(QString::fromUtf8(out.bytes));
    QCOMPARE(records.constFirst().join(u','),
             u"repository,tag,digest,kind,media_type,platforms,size_bytes,created,pushed,pulled,"
             "labels,vulnerabilities"_s);
    QCOMPARE(records.size() - 1, m_tags.size());
    QStringList got;
    for (qsizetype i = 1; i < records.size(); ++i) {
        const QStringList &r = records.at(i);
        QCOMPARE(r.size(), 12);
        checkCommon(r.at(1), r);
        const TagExtras e = extras.value(r.at(1));
        QCOMPARE(r.at(8), expectedTime(e.pushed));
        QCOMPARE(r.at(9), expectedTime(e.pulled));
        QCOMPARE(r.at(10), u"team-a;needs, review"_s);
        QCOMPARE(r.at(11), e.isScanned() ? u"Critical=%1;High=2"_s.arg(
                                   e.vulnerabilities.bySeverity.value(u"Critical"_s))
                                         : QString());
        got.append(r.at(1));
    }
    // Sorted by push time, newest first
    QStringList expected = m_tags;
    std::sort(expected.begin(), expected.end(), [&extras](const QString &a, const QString &b) {
        return extras.value(a).pushed > extras.value(b).pushed;
    });
    QCOMPARE(got, expected);

    // And the JSON carries them under "harbor", valid against the schema
    options.format = ReportFormat::Json;
    const Outcome json = run(options, &stack);
    const QJsonObject root = QJsonDocument::fromJson(json.bytes).object();
    const QStringList problems = MiniSchemaValidator(loadReportSchema()).validate(root);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    const QJsonObject first = root.value(u"tags"_s).toArray().at(0).toObject();
    const TagExtras e = extras.value(first.value(u"tag"_s).toString());
    QCOMPARE(first.value(u"harbor"_s).toObject().value(u"pushed"_s).toString(),
             expectedTime(e.pushed));

    // Without extras, sorting by push time is refused
    ReportOptions plain;
    plain.sort = ReportSort::Pushed;
    const Outcome refused = run(plain);
    QCOMPARE(refused.error.code, ErrorCode::InvalidInput);
    QVERIFY(!refused.fileExists);
}

void TestReport::streamsToADevice()
{
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    ReportOptions options;
    options.repository = u"report/app"_s;
    options.format = ReportFormat::Json;
    ReportJob job(m_stack->service(), options);
    QSignalSpy finished(&job, &ReportJob::finished);
    QSignalSpy progress(&job, &ReportJob::progressChanged);
    job.start(&buffer);
    QVERIFY(finished.wait(30000));
    QVERIFY(!finished.constFirst().constFirst().value<Error>().isError());
    const QJsonDocument document = QJsonDocument::fromJson(buffer.data());
    QCOMPARE(document.object().value(u"tags"_s).toArray().size(), m_tags.size());
    // The last progress says everything is done
    QVERIFY(!progress.isEmpty());
    const auto last = progress.constLast().constFirst().value<ReportProgress>();
    QCOMPARE(last.done, m_tags.size());
    QCOMPARE(last.total, m_tags.size());
}

void TestReport::unknownRepositoryFailsWithoutFile()
{
    ReportOptions options;
    options.repository = u"no/such-repository"_s;
    const Outcome out = run(options);
    QCOMPARE(out.error.code, ErrorCode::NotFound);
    QVERIFY(!out.fileExists);
    QVERIFY(QDir(m_out.path())
                    .entryList({u"*.new"_s, u"*.tmp"_s}, QDir::Files | QDir::Hidden)
                    .isEmpty());
}

void TestReport::tenThousandTagsInBoundedMemory()
{
    // Given 10,000 tags over 5 images
    const qint64 before = peakRssKb();
    QVERIFY(before > 0);
    QElapsedTimer clock;
    clock.start();
    ReportOptions options;
    options.repository = u"big/report"_s;
    options.format = ReportFormat::Html; // the writer that aggregates the most
    const Outcome out = run(options, nullptr, 240000);
    QVERIFY2(!out.error.isError(), qPrintable(out.error.toString()));
    const qint64 after = peakRssKb();
    const qint64 growthKb = after - before;
    qInfo("10,000-tag HTML report: %lld ms, %lld bytes, peak RSS %lld kB -> %lld kB (+%lld kB)",
          qint64(clock.elapsed()), qint64(out.bytes.size()), before, after, growthKb);
    QCOMPARE(out.rows, 10000);
    // Every row has its tag's digest
    const QString html = QString::fromUtf8(out.bytes);
    static const QRegularExpression rowRe(
            uR"(<tr><td>([^<]+)</td><td class="mono">([^<]+)</td>)"_s);
    int rows = 0;
    for (auto it = rowRe.globalMatch(html); it.hasNext();) {
        const auto match = it.next();
        QCOMPARE(match.captured(2), m_bigDigest.value(match.captured(1)));
        ++rows;
    }
    QCOMPARE(rows, 10000);
    QVERIFY(html.contains(u"<dd id=\"sum-images\">5</dd>"_s));
    // Bounded: the tag names, a window of rows, the summary's aggregates. The output itself
    // (~2 MB) is read back above after the measurement. A copy of every row's metadata would
    // be tens of MB; 48 MB leaves room for allocator slack on a loaded machine.
    QVERIFY2(growthKb < 48 * 1024, qPrintable(u"peak RSS grew by %1 kB"_s.arg(growthKb)));

    // Sorted by size (every tag's metadata before the first row), compact records per tag and
    // one metadata entry per distinct image. A 2,000-tag selection: the listing is the same,
    // and a second full 10,000-tag pass would double the test's time for little.
    const qint64 beforeSorted = peakRssKb();
    options.format = ReportFormat::Csv;
    options.sort = ReportSort::Size;
    for (int i = 0; i < 2000; ++i)
        options.tags.append(u"v%1"_s.arg(i * 4));
    const Outcome sorted = run(options, nullptr, 240000);
    QVERIFY2(!sorted.error.isError(), qPrintable(sorted.error.toString()));
    const qint64 growthSorted = peakRssKb() - beforeSorted;
    qInfo("2,000-tag CSV sorted by size: peak RSS +%lld kB", growthSorted);
    QCOMPARE(sorted.rows, 2000);
    QVERIFY(growthSorted < 48 * 1024);
    const QList<QStringList> records = parseCsv(QString::fromUtf8(sorted.bytes));
    QCOMPARE(records.size(), 2001);
    for (qsizetype i = 2; i < records.size(); ++i) {
        QVERIFY(records.at(i - 1).at(6).toLongLong() >= records.at(i).at(6).toLongLong());
        QCOMPARE(records.at(i).at(2), m_bigDigest.value(records.at(i).at(1)));
    }
}

void TestReport::cancelLeavesNoFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ReportOptions options;
    options.repository = u"big/report"_s;
    options.destination = dir.filePath(u"cancelled.csv"_s);
    ReportJob job(m_stack->service(), options);
    QSignalSpy finished(&job, &ReportJob::finished);
    QSignalSpy progress(&job, &ReportJob::progressChanged);
    job.start();
    // When the report is cancelled while rows are being written
    QTRY_VERIFY_WITH_TIMEOUT(job.rowsWritten() > 0, 60000);
    QVERIFY(job.rowsWritten() < 10000);
    job.cancel();
    // Then it ends with Cancelled at once and nothing is left in the directory
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.constFirst().constFirst().value<Error>().code, ErrorCode::Cancelled);
    QVERIFY(!job.isRunning());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList());
    // And no request of the report is left running
    QTRY_COMPARE(m_stack->service()->inFlight(), 0);
}

QTEST_MAIN(TestReport)
#include "tst_report.moc"
