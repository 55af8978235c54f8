// `berth ls`, `berth cat` and `berth diff` against images made with GNU tar, gzip, zstd and
// umoci (tests/fixtures/layerimages.h) in the real registry. Every expected value is read by
// `tar` from the very blobs pushed: the layer listings (`tar -tv`), the merged view (those
// listings with the OCI whiteout rules applied here), file bytes (`tar -xO`), and the configs
// and manifests as built.

#include "berthprocess.h"

#include "layerimages.h"
#include "registryprocess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <optional>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

//! One member as `tar -tv` lists it.
struct TarMember
{
    QString raw;     //!< the name as stored ("./etc/motd", "etc/")
    QString path;    //!< absolute, normalised ("/etc/motd"); "/" for the root
    QString type;    //!< file, dir, symlink, hardlink, other
    qint64 size = 0; //!< as tar reports it
    QString mode;    //!< "0755", "4755"
    QString link;    //!< symlink: the target verbatim; hardlink: the target's absolute path
    QString rawLink; //!< hardlink: the target's name as stored
};

//! One entry of `berth ls --json`, as expected or as printed.
struct Entry
{
    QString path;
    QString type;
    qint64 size = 0;
    QString mode;
    std::optional<QString> link; //!< nullopt = JSON null
    int layer = 0;
    bool opaque = false;
    // Expected entries only: where the bytes are.
    QString raw;
    QString rawLink;

    //! One line for comparisons that print readable differences. Whiteouts: path, type,
    //! opaque and layer only (the contract leaves their size and mode open).
    QString line() const
    {
        if (type == u"whiteout"_s)
            return u"%1 whiteout%2 layer=%3"_s.arg(path, opaque ? u" opaque"_s : QString())
                    .arg(layer);
        return u"%1 %2 size=%3 mode=%4 link=%5 layer=%6"_s.arg(path, type)
                .arg(size)
                .arg(mode, link ? u'"' + *link + u'"' : u"null"_s)
                .arg(layer);
    }
};

using Merged = QMap<QString, Entry>; // path -> entry

QString normalise(QString raw)
{
    while (raw.startsWith(u"./"_s))
        raw = raw.mid(2);
    while (raw.startsWith(u'/'))
        raw = raw.mid(1);
    while (raw.endsWith(u'/'))
        raw.chop(1);
    if (raw.isEmpty() || raw == u"."_s)
        return u"/"_s;
    return u'/' + raw;
}

QString parentOf(const QString &path)
{
    const qsizetype slash = path.lastIndexOf(u'/');
    return slash <= 0 ? u"/"_s : path.left(slash);
}

QString baseName(const QString &path)
{
    return path.mid(path.lastIndexOf(u'/') + 1);
}

QString join(const QString &dir, const QString &name)
{
    return dir == u"/"_s ? QString(u'/' + name) : QString(dir + u'/' + name);
}

bool isUnder(const QString &path, const QString &dir)
{
    return dir == u"/"_s ? path != dir : path.startsWith(dir + u'/');
}

//! "-rwsr-xr-x" -> "4755"
QString modeOf(const QString &perms)
{
    int mode = 0;
    int special = 0;
    for (int i = 0; i < 3; ++i) {
        const QChar r = perms.at(1 + 3 * i);
        const QChar w = perms.at(2 + 3 * i);
        const QChar x = perms.at(3 + 3 * i);
        int bits = (r == u'r' ? 4 : 0) | (w == u'w' ? 2 : 0);
        if (x == u'x' || x == u's' || x == u't')
            bits |= 1;
        if (x == u's' || x == u'S' || x == u't' || x == u'T')
            special |= 4 >> i; // setuid, setgid, sticky
        mode = mode * 8 + bits;
    }
    return u"%1"_s.arg(special * 512 + mode, 4, 8, QChar(u'0'));
}

QString typeOf(QChar c)
{
    switch (c.unicode()) {
    case '-':
        return u"file"_s;
    case 'd':
        return u"dir"_s;
    case 'l':
        return u"symlink"_s;
    case 'h':
        return u"hardlink"_s;
    default:
        return u"other"_s;
    }
}

QList<TarMember> listLayer(const LayerBlob &layer, QString *error)
{
    QByteArray out;
    QStringList arguments{u"--list"_s, u"--verbose"_s, u"--numeric-owner"_s,
                          u"--quoting-style=literal"_s};
    arguments += layer.tarReadOptions();
    arguments.append(u"--file="_s + layer.blobPath);
    if (!LayerImages::run(u"tar"_s, arguments, error, {}, {}, &out))
        return {};
    // "-rw-r--r-- 0/0     26 2023-11-14 22:13 etc/motd"; the name runs to the end of the line.
    static const QRegularExpression line(u"^(\\S{10}) (\\S+)\\s+(\\d+) (\\S+) (\\S+) (.*)$"_s);
    QList<TarMember> members;
    for (const QString &text : QString::fromUtf8(out).split(u'\n', Qt::SkipEmptyParts)) {
        const QRegularExpressionMatch m = line.match(text);
        if (!m.hasMatch()) {
            *error = u"cannot read tar's line: "_s + text;
            return {};
        }
        TarMember member;
        member.type = typeOf(m.captured(1).at(0));
        member.mode = modeOf(m.captured(1));
        member.size = m.captured(3).toLongLong();
        QString name = m.captured(6);
        if (member.type == u"symlink"_s) {
            const qsizetype arrow = name.indexOf(u" -> "_s);
            member.link = name.mid(arrow + 4);
            name = name.left(arrow);
        } else if (member.type == u"hardlink"_s) {
            const qsizetype to = name.indexOf(u" link to "_s);
            member.rawLink = name.mid(to + 9);
            member.link = normalise(member.rawLink);
            name = name.left(to);
        }
        member.raw = name;
        member.path = normalise(name);
        members.append(member);
    }
    return members;
}

Entry entryOf(const TarMember &m, int layer)
{
    Entry e;
    e.path = m.path;
    e.type = m.type;
    e.size = m.size;
    e.mode = m.mode;
    if (!m.link.isEmpty())
        e.link = m.link;
    e.layer = layer;
    e.raw = m.raw;
    e.rawLink = m.rawLink;
    return e;
}

//! What `ls --layer N` must print for the members of layer N: the root left out, `.wh.NAME`
//! as the path it removes, `.wh..wh..opq` as its directory with opaque set.
QList<Entry> layerEntries(const QList<TarMember> &members, int layer)
{
    QList<Entry> entries;
    for (const TarMember &m : members) {
        if (m.path == u"/"_s)
            continue;
        const QString name = baseName(m.path);
        if (name == u".wh..wh..opq"_s) {
            Entry e;
            e.path = parentOf(m.path);
            e.type = u"whiteout"_s;
            e.opaque = true;
            e.layer = layer;
            entries.append(e);
        } else if (name.startsWith(u".wh."_s)) {
            Entry e;
            e.path = join(parentOf(m.path), name.mid(4));
            e.type = u"whiteout"_s;
            e.layer = layer;
            entries.append(e);
        } else {
            entries.append(entryOf(m, layer));
        }
    }
    return entries;
}

void removeUnder(Merged &merged, const QString &dir, bool andDir)
{
    for (auto it = merged.begin(); it != merged.end();) {
        if (isUnder(it.key(), dir) || (andDir && it.key() == dir))
            it = merged.erase(it);
        else
            ++it;
    }
}

//! The OCI merge: each layer's whiteouts and opaque markers first hide what the lower layers
//! had (never what the same layer adds), then its members are laid over; a non-directory hides
//! what the lower layers had below its path.
Merged merge(const QList<QList<TarMember>> &layers)
{
    Merged merged;
    for (int i = 0; i < layers.size(); ++i) {
        for (const TarMember &m : layers.at(i)) {
            const QString name = baseName(m.path);
            if (name == u".wh..wh..opq"_s)
                removeUnder(merged, parentOf(m.path), false);
            else if (name.startsWith(u".wh."_s))
                removeUnder(merged, join(parentOf(m.path), name.mid(4)), true);
        }
        for (const TarMember &m : layers.at(i)) {
            if (m.path == u"/"_s || baseName(m.path).startsWith(u".wh."_s))
                continue;
            if (m.type != u"dir"_s)
                removeUnder(merged, m.path, false);
            merged.insert(m.path, entryOf(m, i + 1));
        }
    }
    return merged;
}

QStringList lines(const QList<Entry> &entries)
{
    QStringList out;
    for (const Entry &e : entries)
        out.append(e.line());
    out.sort();
    return out;
}

QString firstDifference(const QStringList &actual, const QStringList &expected)
{
    const QSet<QString> a(actual.cbegin(), actual.cend());
    const QSet<QString> e(expected.cbegin(), expected.cend());
    QStringList out;
    for (const QString &l : expected) {
        if (!a.contains(l))
            out.append(u"missing:    "_s + l);
    }
    for (const QString &l : actual) {
        if (!e.contains(l))
            out.append(u"unexpected: "_s + l);
    }
    if (out.isEmpty() && actual != expected)
        out.append(u"the same entries, counted differently"_s);
    return out.mid(0, 40).join(u'\n');
}

QSet<QString> keysOf(const QJsonObject &o)
{
    const QStringList keys = o.keys();
    return QSet<QString>(keys.cbegin(), keys.cend());
}

QString keysText(const QJsonObject &o)
{
    return o.keys().join(u", "_s);
}

QStringList sortedStrings(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray())
        out.append(v.toString());
    out.sort();
    return out;
}

//! The same RFC 3339 UTC instant: "...:00Z" and "...:00.000Z" are, "...:19.47637154Z" and
//! "...:19.476Z" are not.
bool sameTime(const QJsonValue &a, const QJsonValue &b)
{
    static const QRegularExpression rfc3339(
            u"^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)(?:\\.(\\d+))?(?:Z|\\+00:00)$"_s);
    const auto canonical = [](const QJsonValue &v) -> QString {
        const QRegularExpressionMatch m = rfc3339.match(v.toString());
        if (!m.hasMatch())
            return u"not a UTC time: "_s + v.toString();
        QString fraction = m.captured(2);
        while (fraction.endsWith(u'0'))
            fraction.chop(1);
        return m.captured(1) + u'.' + fraction;
    };
    return a.isString() && b.isString() && canonical(a) == canonical(b);
}

//! A config field's value in `berth diff --json` against the config's own. A field the config
//! lacks: null or empty. exposed_ports: the config's object, or the sorted port names. Times (created, each history entry's): the
//! config's string or the same instant written another way, every digit of the fraction kept.
bool sameFieldValue(const QString &field, const QJsonValue &actual, const QJsonValue &expected)
{
    if (actual == expected)
        return true;
    // A field the config does not have: null, or the empty value of its type.
    if (expected.isNull()) {
        return (actual.isString() && actual.toString().isEmpty())
               || (actual.isArray() && actual.toArray().isEmpty())
               || (actual.isObject() && actual.toObject().isEmpty());
    }
    if (field == u"exposed_ports"_s && expected.isObject()) {
        QStringList ports = expected.toObject().keys();
        ports.sort();
        return actual == QJsonValue(QJsonArray::fromStringList(ports));
    }
    if (field == u"created"_s)
        return sameTime(actual, expected);
    if (field == u"history"_s && actual.isArray() && expected.isArray()) {
        const QJsonArray a = actual.toArray();
        const QJsonArray e = expected.toArray();
        if (a.size() != e.size())
            return false;
        for (qsizetype i = 0; i < a.size(); ++i) {
            QJsonObject ai = a.at(i).toObject();
            QJsonObject ei = e.at(i).toObject();
            if (!sameTime(ai.take(u"created"_s), ei.take(u"created"_s)) || ai != ei)
                return false;
        }
        return true;
    }
    return false;
}

//! An image as the command line names it.
struct Target
{
    QString key;
    const LayerImage *image = nullptr;
    QString reference;
    QStringList platformArguments; //!< {"--platform", "linux/arm64/v8"} for an index
};

} // namespace

class TestLayers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fixtureIsPushed();
    void expectedMergeMatchesExtraction_data();
    void expectedMergeMatchesExtraction();
    void lsMerged_data();
    void lsMerged();
    void lsLayer_data();
    void lsLayer();
    void lsSubtree_data();
    void lsSubtree();
    void lsPlain();
    void lsJsonShape();
    void cat_data();
    void cat();
    void indexNeedsPlatform_data();
    void indexNeedsPlatform();
    void diffConfigAndLayers_data();
    void diffConfigAndLayers();
    void diffFiles_data();
    void diffFiles();

private:
    BerthRun berth(const QStringList &arguments);
    Target target(const QString &key) const;
    QList<TarMember> members(const LayerBlob &layer);
    Merged expectedMerged(const LayerImage &image);
    QByteArray memberBytes(const LayerBlob &layer, const QString &raw);
    //! The entry path names after following symlinks (also in the middle of the path, like
    //! /lib -> usr/lib); nullopt when a component is missing or the links loop.
    std::optional<Entry> resolve(const Merged &merged, const QString &path, int depth = 0);
    //! The bytes of a file entry; a hard link's bytes are those of its target in its layer.
    QByteArray bytesOf(const LayerImage &image, const Entry &entry);
    QList<Entry> parseEntries(const QByteArray &json, QString *error);

    std::unique_ptr<RegistryProcess> m_registry;
    LayerImages m_images;
    QTemporaryDir m_home;
    //! ls, cat, diff when the binary lacks them: `berth NAME` would open the window instead.
    QStringList m_missingCommands;
    QHash<QString, QList<TarMember>> m_members; // blob path -> members
    QHash<QString, QString> m_listErrors;       // blob path -> why tar could not list it
    QHash<QString, QByteArray> m_bytes;         // blob path + '\n' + member -> bytes
};

BerthRun TestLayers::berth(const QStringList &arguments)
{
    if (!m_missingCommands.isEmpty()) {
        BerthRun run;
        run.err = "berth has no command " + m_missingCommands.join(u", "_s).toUtf8();
        return run;
    }
    QStringList withOptions = arguments;
    // Every command talks to the plain-HTTP test registry.
    withOptions.insert(1, u"--plain-http"_s);
    // 30 s: every call here reads a few hundred KB from a loopback registry.
    return runBerth(QStringLiteral(BERTH_BINARY), withOptions, {}, QDir(m_home.path()), 30000);
}

Target TestLayers::target(const QString &key) const
{
    const QString host = m_registry->host();
    const LayerIndex &multi = m_images.multiArch();
    if (key == u"app"_s)
        return {key, &m_images.app(), m_images.app().reference(host), {}};
    if (key == u"rebuilt"_s)
        return {key, &m_images.appRebuilt(), m_images.appRebuilt().reference(host), {}};
    if (key == u"next"_s)
        return {key, &m_images.appNext(), m_images.appNext().reference(host), {}};
    if (key == u"docker"_s)
        return {key, &m_images.docker(), m_images.docker().reference(host), {}};
    if (key == u"umoci"_s)
        return {key, &m_images.umoci(), m_images.umoci().reference(host), {}};
    if (key == u"amd64"_s)
        return {key,
                &multi.platforms.at(0),
                multi.reference(host),
                {u"--platform"_s, multi.platforms.at(0).platform}};
    if (key == u"arm64"_s)
        return {key,
                &multi.platforms.at(1),
                multi.reference(host),
                {u"--platform"_s, multi.platforms.at(1).platform}};
    return {};
}

QList<TarMember> TestLayers::members(const LayerBlob &layer)
{
    if (!m_members.contains(layer.blobPath)) {
        QString error;
        const QList<TarMember> list = listLayer(layer, &error);
        if (!error.isEmpty()) {
            qWarning("%s", qPrintable(error));
            m_listErrors.insert(layer.blobPath, error);
        }
        m_members.insert(layer.blobPath, list);
    }
    return m_members.value(layer.blobPath);
}

Merged TestLayers::expectedMerged(const LayerImage &image)
{
    QList<QList<TarMember>> layers;
    for (const LayerBlob &layer : image.layers)
        layers.append(members(layer));
    return merge(layers);
}

QByteArray TestLayers::memberBytes(const LayerBlob &layer, const QString &raw)
{
    const QString key = layer.blobPath + u'\n' + raw;
    if (!m_bytes.contains(key)) {
        QByteArray out;
        QString error;
        QStringList arguments{u"--extract"_s, u"--to-stdout"_s, u"--no-wildcards"_s};
        arguments += layer.tarReadOptions();
        arguments += {u"--file="_s + layer.blobPath, raw};
        if (!LayerImages::run(u"tar"_s, arguments, &error, {}, {}, &out))
            qWarning("%s", qPrintable(error));
        m_bytes.insert(key, out);
    }
    return m_bytes.value(key);
}

std::optional<Entry> TestLayers::resolve(const Merged &merged, const QString &path, int depth)
{
    if (depth > 40) // Linux's limit on symlinks in one lookup
        return std::nullopt;
    const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    QString current = u"/"_s;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString &part = parts.at(i);
        if (part == u"."_s)
            continue;
        if (part == u".."_s) {
            current = parentOf(current);
            continue;
        }
        const QString next = join(current, part);
        if (!merged.contains(next))
            return std::nullopt;
        const Entry &e = merged.value(next);
        if (e.type == u"symlink"_s) {
            const QString base = e.link->startsWith(u'/') ? u"/"_s : current;
            QString rest = *e.link;
            for (qsizetype j = i + 1; j < parts.size(); ++j)
                rest += u'/' + parts.at(j);
            return resolve(merged, join(base, rest), depth + 1);
        }
        current = next;
    }
    if (current == u"/"_s)
        return std::nullopt;
    return merged.value(current);
}

QByteArray TestLayers::bytesOf(const LayerImage &image, const Entry &entry)
{
    const LayerBlob &layer = image.layers.at(entry.layer - 1);
    return memberBytes(layer, entry.type == u"hardlink"_s ? entry.rawLink : entry.raw);
}

QList<Entry> TestLayers::parseEntries(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = u"not JSON: "_s + parseError.errorString();
        return {};
    }
    const QJsonObject root = document.object();
    const QSet<QString> rootKeys{u"reference"_s, u"digest"_s, u"platform"_s, u"entries"_s};
    if (keysOf(root) != rootKeys) {
        *error = u"top-level keys: "_s + keysText(root);
        return {};
    }
    const QSet<QString> entryKeys{u"path"_s, u"type"_s, u"size"_s,
                                  u"mode"_s, u"link"_s, u"layer"_s};
    QList<Entry> entries;
    QString previous;
    for (const QJsonValue &value : root.value(u"entries"_s).toArray()) {
        const QJsonObject o = value.toObject();
        Entry e;
        e.path = o.value(u"path"_s).toString();
        e.type = o.value(u"type"_s).toString();
        QSet<QString> keys = keysOf(o);
        // "opaque" belongs to whiteouts only (true on an opaque marker).
        if (keys.contains(u"opaque"_s) && e.type == u"whiteout"_s) {
            e.opaque = o.value(u"opaque"_s).toBool();
            keys.remove(u"opaque"_s);
        }
        if (keys != entryKeys) {
            *error = u"keys of %1: %2"_s.arg(e.path, keysText(o));
            return {};
        }
        const QJsonValue size = o.value(u"size"_s);
        const QJsonValue layer = o.value(u"layer"_s);
        if (!size.isDouble() || !layer.isDouble() || !o.value(u"mode"_s).isString()) {
            *error = u"size, layer or mode of %1 of the wrong JSON type"_s.arg(e.path);
            return {};
        }
        e.size = size.toInteger();
        e.layer = layer.toInt();
        e.mode = o.value(u"mode"_s).toString();
        const QJsonValue link = o.value(u"link"_s);
        if (link.isString()) {
            e.link = link.toString();
        } else if (!link.isNull()) {
            *error = u"link of %1 neither a string nor null"_s.arg(e.path);
            return {};
        }
        // Sorted by path (an opaque marker may share its directory's path).
        if (e.path < previous) {
            *error = u"not sorted by path: %1 after %2"_s.arg(e.path, previous);
            return {};
        }
        previous = e.path;
        entries.append(e);
    }
    return entries;
}

void TestLayers::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    if (!LayerImages::missingTools().isEmpty())
        QSKIP(qPrintable(u"missing: "_s + LayerImages::missingTools().join(u", "_s)));
    QVERIFY(QFile::exists(QStringLiteral(BERTH_BINARY)));
    QVERIFY(m_home.isValid());
    QString error;
    QVERIFY2(m_images.build(&error), qPrintable(error));
    m_registry = std::make_unique<RegistryProcess>();
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    QVERIFY2(m_images.push(m_registry->host(), &error), qPrintable(error));
    // A name berth does not know as a command opens the window (which never ends on its own),
    // so the commands are asked for their help first, each with a short deadline; without them
    // every test below fails at once instead of waiting for its timeout.
    for (const QString &command : {u"ls"_s, u"cat"_s, u"diff"_s}) {
        const BerthRun help = runBerth(QStringLiteral(BERTH_BINARY), {command, u"--help"_s}, {},
                                       QDir(m_home.path()), 10000);
        if (help.code != 0)
            m_missingCommands.append(command);
    }
    if (!m_missingCommands.isEmpty())
        qWarning("berth has no command %s", qPrintable(m_missingCommands.join(u", "_s)));
}

void TestLayers::fixtureIsPushed()
{
    // Given the images built and pushed,
    // when their manifests and blobs are read back from the registry,
    // then they are the bytes on disk, each layer decompresses to the tar its diff_id names, and
    // tar reads every layer.
    QNetworkAccessManager nam;
    const auto get = [&](const QString &path, const QByteArray &accept) {
        QNetworkRequest request(QUrl(m_registry->baseUrl().toString() + path));
        if (!accept.isEmpty())
            request.setRawHeader("Accept", accept);
        QNetworkReply *reply = nam.get(request);
        const bool finished = QTest::qWaitFor([reply] { return reply->isFinished(); }, 30000);
        const QByteArray body = finished && reply->error() == QNetworkReply::NoError
                                        ? reply->readAll()
                                        : QByteArray();
        reply->deleteLater();
        return body;
    };
    const LayerIndex &multi = m_images.multiArch();
    QCOMPARE(get(u"/v2/%1/manifests/%2"_s.arg(multi.repository, multi.tag),
                 multi.built.image.mediaType.toUtf8()),
             multi.built.image.manifest);
    for (const LayerImage &image : m_images.images()) {
        const SeededImage &seeded = image.built.image;
        const QString reference = image.tag.isEmpty() ? seeded.digest : image.tag;
        QCOMPARE(get(u"/v2/%1/manifests/%2"_s.arg(image.repository, reference),
                     seeded.mediaType.toUtf8()),
                 seeded.manifest);
        QCOMPARE(get(u"/v2/%1/blobs/%2"_s.arg(image.repository, seeded.config.digest), {}),
                 seeded.configBytes);
        const QJsonArray diffIds
                = image.config.value(u"rootfs"_s).toObject().value(u"diff_ids"_s).toArray();
        QCOMPARE(diffIds.size(), image.layers.size());
        for (qsizetype i = 0; i < image.layers.size(); ++i) {
            const LayerBlob &layer = image.layers.at(i);
            QFile file(layer.blobPath);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray blob = file.readAll();
            QCOMPARE(get(u"/v2/%1/blobs/%2"_s.arg(image.repository, layer.digest), {}), blob);
            QCOMPARE(seeded.layers.at(i).digest, layer.digest);
            QByteArray tar = blob;
            QString error;
            if (layer.compression == LayerCompression::Gzip)
                QVERIFY2(LayerImages::run(u"gzip"_s, {u"-dc"_s, layer.blobPath}, &error, {}, {},
                                          &tar),
                         qPrintable(error));
            else if (layer.compression == LayerCompression::Zstd)
                QVERIFY2(LayerImages::run(u"zstd"_s, {u"-dcq"_s, layer.blobPath}, &error, {}, {},
                                          &tar),
                         qPrintable(error));
            QCOMPARE(u"sha256:"_s
                             + QString::fromLatin1(
                                     QCryptographicHash::hash(tar, QCryptographicHash::Sha256)
                                             .toHex()),
                     diffIds.at(i).toString());
            // Only the empty layer has no members.
            QVERIFY2(!members(layer).isEmpty() || layer.size < 100, qPrintable(layer.blobPath));
            QVERIFY2(!m_listErrors.contains(layer.blobPath),
                     qPrintable(m_listErrors.value(layer.blobPath)));
        }
    }
    // The compressions and formats the tests rely on are really there.
    QCOMPARE(m_images.app().layers.at(1).compression, LayerCompression::Zstd);
    QCOMPARE(m_images.app().layers.at(2).compression, LayerCompression::None);
    QVERIFY(m_images.docker().built.image.manifest.contains(
            "application/vnd.docker.image.rootfs.diff.tar.gzip"));
}

void TestLayers::expectedMergeMatchesExtraction_data()
{
    QTest::addColumn<QString>("key");
    for (const QString &key :
         {u"app"_s, u"next"_s, u"docker"_s, u"umoci"_s, u"amd64"_s, u"arm64"_s})
        QTest::newRow(qPrintable(key)) << key;
}

void TestLayers::expectedMergeMatchesExtraction()
{
    // The merge this test expects from berth, checked against a second way of getting it: tar
    // extracts the layers in order into one directory, each layer's whiteouts applied on disk
    // before it, and find lists what is left.
    QFETCH(QString, key);
    const Target t = target(key);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString root = dir.filePath(u"rootfs"_s);
    QVERIFY(QDir().mkpath(root));
    const auto remove = [](const QString &path) {
        const QFileInfo info(path);
        if (info.isDir() && !info.isSymLink())
            QDir(path).removeRecursively();
        else if (info.exists() || info.isSymLink())
            QFile::remove(path);
    };
    for (const LayerBlob &layer : t.image->layers) {
        for (const TarMember &m : members(layer)) {
            const QString name = baseName(m.path);
            if (name == u".wh..wh..opq"_s) {
                const QDir opaque(root + parentOf(m.path));
                for (const QString &child : opaque.entryList(QDir::AllEntries | QDir::Hidden
                                                             | QDir::System | QDir::NoDotAndDotDot))
                    remove(opaque.filePath(child));
            } else if (name.startsWith(u".wh."_s)) {
                remove(root + join(parentOf(m.path), name.mid(4)));
            } else if (m.type != u"dir"_s && m.path != u"/"_s) {
                // tar would not put a file where a directory is.
                const QFileInfo lower(root + m.path);
                if (lower.isDir() && !lower.isSymLink())
                    remove(lower.filePath());
            }
        }
        QString error;
        QStringList arguments{u"--extract"_s, u"--exclude=.wh.*"_s, u"--directory="_s + root};
        arguments += layer.tarReadOptions();
        arguments.append(u"--file="_s + layer.blobPath);
        QVERIFY2(LayerImages::run(u"tar"_s, arguments, &error), qPrintable(error));
    }
    QByteArray out;
    QString error;
    QVERIFY2(LayerImages::run(
                     u"find"_s,
                     {root, u"-mindepth"_s, u"1"_s, u"-printf"_s, u"%y\\t%m\\t%s\\t%l\\t%P\\0"_s},
                     &error, {}, {}, &out),
             qPrintable(error));
    QStringList found;
    for (const QByteArray &record : out.split('\0')) {
        if (record.isEmpty())
            continue;
        const QStringList f = QString::fromUtf8(record).split(u'\t');
        const QString type = f.at(0);
        const QString mode = u"%1"_s.arg(f.at(1).toInt(nullptr, 8), 4, 8, QChar(u'0'));
        found.append(u"/%1 %2 %3 %4 %5"_s.arg(f.at(4), type, mode,
                                              type == u"f"_s ? f.at(2) : QString(), f.at(3)));
    }
    found.sort();
    QStringList expected;
    const Merged merged = expectedMerged(*t.image);
    for (const Entry &e : merged) {
        const QString type = e.type == u"dir"_s       ? u"d"_s
                             : e.type == u"symlink"_s ? u"l"_s
                             : e.type == u"other"_s   ? u"p"_s
                                                      : u"f"_s;
        // A hard link is a file on disk with its target's size.
        qint64 size = e.size;
        if (e.type == u"hardlink"_s)
            size = merged.value(*e.link).size;
        expected.append(u"%1 %2 %3 %4 %5"_s.arg(e.path, type, e.mode,
                                                type == u"f"_s ? QString::number(size) : QString(),
                                                e.type == u"symlink"_s ? *e.link : QString()));
    }
    expected.sort();
    QVERIFY2(found == expected, qPrintable(firstDifference(found, expected)));
}

void TestLayers::lsMerged_data()
{
    QTest::addColumn<QString>("key");
    QTest::newRow("OCI: gzip, zstd and plain tar layers") << u"app"_s;
    QTest::newRow("OCI: shared base, other top layer") << u"next"_s;
    QTest::newRow("Docker schema2") << u"docker"_s;
    QTest::newRow("made by umoci") << u"umoci"_s;
    QTest::newRow("index, linux/amd64") << u"amd64"_s;
    QTest::newRow("index, linux/arm64/v8") << u"arm64"_s;
}

void TestLayers::lsMerged()
{
    // Given an image pushed with its layers on disk,
    QFETCH(QString, key);
    const Target t = target(key);
    const Merged merged = expectedMerged(*t.image);
    QVERIFY(!merged.isEmpty());
    // when berth lists its merged filesystem,
    const BerthRun run
            = berth(QStringList{u"ls"_s, t.reference, u"--json"_s} + t.platformArguments);
    QVERIFY2(run.code == 0, run.err.constData());
    QString error;
    const QList<Entry> entries = parseEntries(run.out, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // then it is what tar reads from the layers with the whiteouts applied.
    const QStringList actual = lines(entries);
    const QStringList expected = lines(merged.values());
    QVERIFY2(actual == expected, qPrintable(firstDifference(actual, expected)));
    const QJsonObject root = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(root.value(u"reference"_s).toString(), t.reference);
    QCOMPARE(root.value(u"platform"_s).toString(), t.image->platform);
    const QString digest = root.value(u"digest"_s).toString();
    QVERIFY2(digest == t.image->built.image.digest
                     || (!t.platformArguments.isEmpty()
                         && digest == m_images.multiArch().built.image.digest),
             qPrintable(digest));
}

void TestLayers::lsLayer_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("layer");
    for (const QString &key : {u"app"_s, u"next"_s, u"docker"_s, u"umoci"_s, u"arm64"_s}) {
        for (int n = 1; n <= target(key).image->layers.size(); ++n)
            QTest::addRow("%s layer %d", qPrintable(key), n) << key << n;
    }
}

void TestLayers::lsLayer()
{
    // Given one layer of an image,
    QFETCH(QString, key);
    QFETCH(int, layer);
    const Target t = target(key);
    const LayerBlob &blob = t.image->layers.at(layer - 1);
    const QList<TarMember> list = members(blob);
    QVERIFY2(!m_listErrors.contains(blob.blobPath), qPrintable(m_listErrors.value(blob.blobPath)));
    // when berth lists that layer alone,
    const BerthRun run = berth(
            QStringList{u"ls"_s, t.reference, u"--layer"_s, QString::number(layer), u"--json"_s}
            + t.platformArguments);
    QVERIFY2(run.code == 0, run.err.constData());
    QString error;
    const QList<Entry> entries = parseEntries(run.out, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // then it is what `tar -tv` lists, whiteouts as the paths they remove.
    const QStringList actual = lines(entries);
    const QStringList expected = lines(layerEntries(list, layer));
    QVERIFY2(actual == expected, qPrintable(firstDifference(actual, expected)));
}

void TestLayers::lsSubtree_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("path");
    QTest::newRow("/usr") << u"app"_s << u"/usr"_s;
    QTest::newRow("/var/cache (opaque in layer 2)") << u"app"_s << u"/var/cache"_s;
    QTest::newRow("/etc (whiteouts and re-adds)") << u"app"_s << u"/etc"_s;
    QTest::newRow("/opt (a directory became a file)") << u"app"_s << u"/opt"_s;
    QTest::newRow("Docker /usr/share (opaque)") << u"docker"_s << u"/usr/share"_s;
    QTest::newRow("umoci /srv") << u"umoci"_s << u"/srv"_s;
}

void TestLayers::lsSubtree()
{
    QFETCH(QString, key);
    QFETCH(QString, path);
    const Target t = target(key);
    QList<Entry> expected;
    const Merged merged = expectedMerged(*t.image);
    for (const Entry &e : merged) {
        if (isUnder(e.path, path))
            expected.append(e);
    }
    QVERIFY(!expected.isEmpty());
    const BerthRun run
            = berth(QStringList{u"ls"_s, t.reference, path, u"--json"_s} + t.platformArguments);
    QVERIFY2(run.code == 0, run.err.constData());
    QString error;
    QList<Entry> entries = parseEntries(run.out, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // "Under PATH": like "/" itself, PATH is no entry of its own listing.
    const QStringList actual = lines(entries);
    const QStringList wanted = lines(expected);
    QVERIFY2(actual == wanted, qPrintable(firstDifference(actual, wanted)));
}

void TestLayers::lsPlain()
{
    // Without --json every merged path is on a line of its own (followed by the end of the
    // line or a space, as in "lib -> usr/lib").
    const Target t = target(u"app"_s);
    const BerthRun run = berth({u"ls"_s, t.reference});
    QVERIFY2(run.code == 0, run.err.constData());
    const QStringList printed = QString::fromUtf8(run.out).split(u'\n', Qt::SkipEmptyParts);
    const Merged merged = expectedMerged(*t.image);
    QVERIFY(printed.size() >= merged.size()); // a header line is the command's choice
    for (const Entry &e : merged) {
        const bool found = std::any_of(printed.cbegin(), printed.cend(), [&e](const QString &l) {
            return l.endsWith(e.path) || l.contains(e.path + u' ');
        });
        QVERIFY2(found, qPrintable(e.path));
    }
}

void TestLayers::lsJsonShape()
{
    // The documented keys and nothing else, null links, octal modes with four digits; an
    // opaque marker carries "opaque": true.
    const Target t = target(u"app"_s);
    const BerthRun run = berth({u"ls"_s, t.reference, u"--layer"_s, u"2"_s, u"--json"_s});
    QVERIFY2(run.code == 0, run.err.constData());
    const QJsonObject root = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(keysOf(root),
             (QSet<QString>{u"reference"_s, u"digest"_s, u"platform"_s, u"entries"_s}));
    QCOMPARE(root.value(u"digest"_s).toString(), t.image->built.image.digest);
    QStringList opaque;
    static const QRegularExpression octal(u"^[0-7]{4}$"_s);
    for (const QJsonValue &value : root.value(u"entries"_s).toArray()) {
        const QJsonObject o = value.toObject();
        const QString type = o.value(u"type"_s).toString();
        QVERIFY2(QStringList({u"file"_s, u"dir"_s, u"symlink"_s, u"hardlink"_s, u"whiteout"_s,
                              u"other"_s})
                         .contains(type),
                 qPrintable(type));
        QVERIFY2(o.value(u"path"_s).toString().startsWith(u'/'),
                 qPrintable(o.value(u"path"_s).toString()));
        if (type != u"whiteout"_s)
            QVERIFY2(octal.match(o.value(u"mode"_s).toString()).hasMatch(),
                     qPrintable(o.value(u"mode"_s).toString()));
        if (type == u"file"_s || type == u"dir"_s)
            QVERIFY(o.value(u"link"_s).isNull());
        if (o.value(u"opaque"_s).toBool()) {
            QCOMPARE(type, u"whiteout"_s);
            opaque.append(o.value(u"path"_s).toString());
        }
    }
    // The directories whose `.wh..wh..opq` tar lists in that layer.
    QStringList markers;
    for (const TarMember &m : members(t.image->layers.at(1))) {
        if (baseName(m.path) == u".wh..wh..opq"_s)
            markers.append(parentOf(m.path));
    }
    QVERIFY(!markers.isEmpty());
    QCOMPARE(opaque, markers);
}

void TestLayers::cat_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("exists"); // what the fixture is meant to make (checked, then used)
    QTest::addColumn<int>("minLayer");
    QTest::newRow("text") << u"app"_s << u"/etc/hostname"_s << true << 1;
    QTest::newRow("binary, every byte value") << u"app"_s << u"/usr/bin/tool"_s << true << 3;
    QTest::newRow("setuid binary") << u"app"_s << u"/usr/bin/sudo"_s << true << 1;
    QTest::newRow("empty file") << u"app"_s << u"/etc/empty"_s << true << 1;
    QTest::newRow("changed in the zstd layer") << u"app"_s << u"/etc/config.ini"_s << true << 2;
    QTest::newRow("300 KiB binary in the zstd layer")
            << u"app"_s << u"/app/data.bin"_s << true << 2;
    QTest::newRow("whited out by the plain tar layer")
            << u"app"_s << u"/app/old.txt"_s << false << 0;
    QTest::newRow("re-added in the plain tar layer") << u"app"_s << u"/etc/motd"_s << true << 3;
    QTest::newRow("a file that replaced a directory") << u"app"_s << u"/opt/thing"_s << true << 2;
    QTest::newRow("a file re-added beside its whiteout") << u"app"_s << u"/opt/conf"_s << true << 2;
    QTest::newRow("relative symlink") << u"app"_s << u"/etc/os-release"_s << true << 1;
    QTest::newRow("symlink to a directory on the way")
            << u"app"_s << u"/lib/os-release"_s << true << 1;
    QTest::newRow("symlink in the same directory") << u"app"_s << u"/lib/libfoo.so"_s << true << 1;
    QTest::newRow("absolute symlink to a directory")
            << u"app"_s << u"/app/current/main.py"_s << true << 2;
    QTest::newRow("long symlink target (GNU)") << u"app"_s << u"/usr/bin/long-link"_s << true << 2;
    QTest::newRow("hard link (base)") << u"app"_s << u"/bin/ls"_s << true << 1;
    QTest::newRow("absolute symlink to a hard link") << u"app"_s << u"/usr/bin/sh"_s << true << 1;
    QTest::newRow("symlink climbing above the root")
            << u"app"_s << u"/usr/lib/escape"_s << true << 1;
    QTest::newRow("symlink loop") << u"app"_s << u"/etc/loop-a"_s << false << 0;
    // tar archives app/run-link first (sorted by name): app/run.sh is the hardlink member.
    QTest::newRow("hard link (zstd layer)") << u"app"_s << u"/app/run.sh"_s << true << 2;
    QTest::newRow("hard link's target (zstd layer)") << u"app"_s << u"/app/run-link"_s << true << 2;
    QTest::newRow("long name (pax)")
            << u"app"_s << u"/usr/share/doc/a/long-"_s + QString(120, u'n') + u".txt"_s << true
            << 1;
    QTest::newRow("name with a space")
            << u"app"_s << u"/usr/share/doc/a/read me.txt"_s << true << 1;
    QTest::newRow("non-ASCII name") << u"app"_s << u"/usr/share/doc/a/caf\u00e9.txt"_s << true << 1;
    QTest::newRow("a directory") << u"app"_s << u"/usr"_s << false << 0;
    QTest::newRow("a symlink to a directory") << u"app"_s << u"/lib"_s << false << 0;
    QTest::newRow("the root") << u"app"_s << u"/"_s << false << 0;
    QTest::newRow("a fifo") << u"app"_s << u"/run/initctl"_s << false << 0;
    QTest::newRow("whited out") << u"app"_s << u"/usr/share/doc/b/README"_s << false << 0;
    QTest::newRow("hidden by an opaque directory")
            << u"app"_s << u"/var/cache/apt/pkgcache.bin"_s << false << 0;
    QTest::newRow("below a directory that became a file")
            << u"app"_s << u"/opt/thing/child.txt"_s << false << 0;
    QTest::newRow("missing") << u"app"_s << u"/no/such/file"_s << false << 0;
    QTest::newRow("next: the other top layer") << u"next"_s << u"/app/main.py"_s << true << 2;
    QTest::newRow("next: base file still there")
            << u"next"_s << u"/usr/share/doc/b/README"_s << true << 1;
    QTest::newRow("Docker: top layer") << u"docker"_s << u"/srv/www/index.html"_s << true << 2;
    QTest::newRow("Docker: base layer") << u"docker"_s << u"/bin/busybox"_s << true << 1;
    QTest::newRow("Docker: whited out") << u"docker"_s << u"/etc/shadow"_s << false << 0;
    QTest::newRow("Docker: through a whited-out symlink")
            << u"docker"_s << u"/lib/os-release"_s << false << 0;
    QTest::newRow("Docker: the symlink's target kept")
            << u"docker"_s << u"/usr/lib/os-release"_s << true << 1;
    QTest::newRow("umoci: changed") << u"umoci"_s << u"/etc/app.conf"_s << true << 2;
    QTest::newRow("umoci: hard link") << u"umoci"_s << u"/usr/bin/hello-again"_s << true << 1;
    QTest::newRow("umoci: whited-out dir") << u"umoci"_s << u"/srv/data/a.txt"_s << false << 0;
    QTest::newRow("umoci: whited-out file") << u"umoci"_s << u"/etc/remove-me"_s << false << 0;
    QTest::newRow("umoci: symlink into a whited-out dir")
            << u"umoci"_s << u"/srv/current/a.txt"_s << false << 0;
    QTest::newRow("index amd64") << u"amd64"_s << u"/etc/arch"_s << true << 1;
    QTest::newRow("index arm64") << u"arm64"_s << u"/etc/arch"_s << true << 1;
    QTest::newRow("index arm64, symlink in zstd")
            << u"arm64"_s << u"/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"_s << true << 1;
    QTest::newRow("index arm64, amd64's file") << u"arm64"_s << u"/etc/ld.so.conf"_s << false << 0;
}

void TestLayers::cat()
{
    // Given a path in an image and the file it names after the links (worked out here from the
    // tar listings),
    QFETCH(QString, key);
    QFETCH(QString, path);
    QFETCH(bool, exists);
    QFETCH(int, minLayer);
    const Target t = target(key);
    const Merged merged = expectedMerged(*t.image);
    const std::optional<Entry> entry = resolve(merged, path);
    const bool isFile = entry && (entry->type == u"file"_s || entry->type == u"hardlink"_s);
    QCOMPARE(isFile, exists); // the fixture makes what the row means
    // when berth cats it,
    const BerthRun run = berth(QStringList{u"cat"_s, t.reference, path} + t.platformArguments);
    if (!exists) {
        // then a path that is no regular file is an error with a message, nothing on stdout;
        QVERIFY2(run.code == 1,
                 qPrintable(u"exit %1, stderr %2"_s.arg(run.code).arg(QString::fromUtf8(run.err))));
        QVERIFY(!run.err.trimmed().isEmpty());
        QVERIFY(run.out.isEmpty());
        return;
    }
    // else the bytes are exactly what tar extracts from the layer that wrote the file.
    QVERIFY2(entry->layer >= minLayer, qPrintable(entry->line()));
    const QByteArray expected = bytesOf(*t.image, *entry);
    QVERIFY2(run.code == 0, run.err.constData());
    if (run.out != expected) {
        qWarning("expected %lld bytes (sha256 %s), got %lld", qlonglong(expected.size()),
                 QCryptographicHash::hash(expected, QCryptographicHash::Sha256).toHex().constData(),
                 qlonglong(run.out.size()));
    }
    QVERIFY(run.out == expected);
}

void TestLayers::indexNeedsPlatform_data()
{
    QTest::addColumn<QStringList>("arguments"); // the index is appended by the test
    QTest::newRow("ls") << QStringList{u"ls"_s, u"%index"_s};
    QTest::newRow("ls --layer 1") << QStringList{u"ls"_s, u"%index"_s, u"--layer"_s, u"1"_s};
    QTest::newRow("cat") << QStringList{u"cat"_s, u"%index"_s, u"/etc/arch"_s};
    QTest::newRow("diff") << QStringList{u"diff"_s, u"%index"_s, u"%app"_s};
}

void TestLayers::indexNeedsPlatform()
{
    // Given an index and no --platform, berth says which platforms there are (usage error).
    QFETCH(QStringList, arguments);
    for (QString &a : arguments) {
        if (a == u"%index"_s)
            a = m_images.multiArch().reference(m_registry->host());
        else if (a == u"%app"_s)
            a = m_images.app().reference(m_registry->host());
    }
    const BerthRun run = berth(arguments);
    QCOMPARE(run.code, 2);
    QVERIFY(run.out.isEmpty());
    for (const LayerImage &platform : m_images.multiArch().platforms)
        QVERIFY2(run.err.contains(platform.platform.toUtf8()), run.err.constData());
}

void TestLayers::diffConfigAndLayers_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::newRow("v1 -> v2 (shared base)") << u"app"_s << u"next"_s;
    QTest::newRow("v1 -> rebuilt (created differs below 1 ms)") << u"app"_s << u"rebuilt"_s;
    QTest::newRow("v2 -> v1") << u"next"_s << u"app"_s;
    QTest::newRow("OCI -> Docker (same base blob)") << u"app"_s << u"docker"_s;
    QTest::newRow("itself") << u"app"_s << u"app"_s;
    QTest::newRow("umoci -> app (nothing shared)") << u"umoci"_s << u"app"_s;
}

void TestLayers::diffConfigAndLayers()
{
    // Given two images and their configs and manifests as built,
    QFETCH(QString, a);
    QFETCH(QString, b);
    const Target ta = target(a);
    const Target tb = target(b);
    // when berth diffs them,
    const BerthRun run = berth({u"diff"_s, ta.reference, tb.reference, u"--json"_s});
    QVERIFY2(run.code == 0, run.err.constData());
    QJsonParseError parseError;
    const QJsonObject root = QJsonDocument::fromJson(run.out, &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    // then it has exactly the documented keys (no "files" without --files),
    QCOMPARE(keysOf(root),
             (QSet<QString>{u"a"_s, u"b"_s, u"config"_s, u"layers"_s, u"size_delta"_s}));
    QCOMPARE(root.value(u"a"_s).toString(), ta.reference);
    QCOMPARE(root.value(u"b"_s).toString(), tb.reference);

    // the layers shared and not, by digest,
    QStringList digestsA, digestsB;
    for (const LayerBlob &l : ta.image->layers)
        digestsA.append(l.digest);
    for (const LayerBlob &l : tb.image->layers)
        digestsB.append(l.digest);
    QStringList shared, onlyA, onlyB;
    for (const QString &d : std::as_const(digestsA))
        (digestsB.contains(d) ? shared : onlyA).append(d);
    for (const QString &d : std::as_const(digestsB)) {
        if (!digestsA.contains(d))
            onlyB.append(d);
    }
    shared.sort();
    onlyA.sort();
    onlyB.sort();
    const QJsonObject layers = root.value(u"layers"_s).toObject();
    QCOMPARE(keysOf(layers), (QSet<QString>{u"shared"_s, u"only_a"_s, u"only_b"_s}));
    QCOMPARE(sortedStrings(layers.value(u"shared"_s)), shared);
    QCOMPARE(sortedStrings(layers.value(u"only_a"_s)), onlyA);
    QCOMPARE(sortedStrings(layers.value(u"only_b"_s)), onlyB);

    // the size difference of config + layers as stored,
    QVERIFY(root.value(u"size_delta"_s).isDouble());
    QCOMPARE(root.value(u"size_delta"_s).toInteger(),
             tb.image->built.image.size - ta.image->built.image.size);

    // and the config fields that differ, with both values.
    const auto fields = [](const QJsonObject &config) {
        const QJsonObject c = config.value(u"config"_s).toObject();
        return QMap<QString, QJsonValue>{
                {u"created"_s, config.value(u"created"_s)},
                {u"os"_s, config.value(u"os"_s)},
                {u"architecture"_s, config.value(u"architecture"_s)},
                {u"variant"_s, config.value(u"variant"_s)},
                {u"user"_s, c.value(u"User"_s)},
                {u"workdir"_s, c.value(u"WorkingDir"_s)},
                {u"env"_s, c.value(u"Env"_s)},
                {u"entrypoint"_s, c.value(u"Entrypoint"_s)},
                {u"cmd"_s, c.value(u"Cmd"_s)},
                {u"labels"_s, c.value(u"Labels"_s)},
                {u"exposed_ports"_s, c.value(u"ExposedPorts"_s)},
                {u"history"_s, config.value(u"history"_s)},
        };
    };
    const auto fieldsA = fields(ta.image->config);
    const auto fieldsB = fields(tb.image->config);
    const auto asJson = [](const QJsonValue &v) {
        return v.isUndefined() ? QJsonValue(QJsonValue::Null) : v;
    };
    QSet<QString> changed;
    for (auto it = fieldsA.cbegin(); it != fieldsA.cend(); ++it) {
        if (asJson(it.value()) != asJson(fieldsB.value(it.key())))
            changed.insert(it.key());
    }
    if (a != b)
        QVERIFY(changed.contains(u"created"_s)); // the fixture's images differ in time at least
    const QJsonObject config = root.value(u"config"_s).toObject();
    QCOMPARE(keysOf(config), changed);
    QStringList wrong;
    for (const QString &field : std::as_const(changed)) {
        const QJsonArray pair = config.value(field).toArray();
        if (pair.size() != 2 || !sameFieldValue(field, pair.at(0), asJson(fieldsA.value(field)))
            || !sameFieldValue(field, pair.at(1), asJson(fieldsB.value(field)))) {
            const QJsonArray expected{asJson(fieldsA.value(field)), asJson(fieldsB.value(field))};
            wrong.append(u"%1: %2, expected %3"_s.arg(
                    field, QString::fromUtf8(QJsonDocument(pair).toJson(QJsonDocument::Compact)),
                    QString::fromUtf8(QJsonDocument(expected).toJson(QJsonDocument::Compact))));
        }
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
}

void TestLayers::diffFiles_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::newRow("v1 -> v2") << u"app"_s << u"next"_s;
    QTest::newRow("v2 -> v1") << u"next"_s << u"app"_s;
    QTest::newRow("v1 -> Docker") << u"app"_s << u"docker"_s;
    QTest::newRow("itself") << u"app"_s << u"app"_s;
    QTest::newRow("rebuilt (same layers)") << u"app"_s << u"rebuilt"_s;
    QTest::newRow("index amd64 -> arm64") << u"amd64"_s << u"arm64"_s;
}

void TestLayers::diffFiles()
{
    // Given the merged views of two images (from tar) and the bytes of their files,
    QFETCH(QString, a);
    QFETCH(QString, b);
    const Target ta = target(a);
    const Target tb = target(b);
    const Merged mergedA = expectedMerged(*ta.image);
    const Merged mergedB = expectedMerged(*tb.image);
    QStringList added, removed, changed;
    for (const Entry &e : mergedB) {
        if (!mergedA.contains(e.path))
            added.append(e.path);
    }
    for (const Entry &ea : mergedA) {
        if (!mergedB.contains(ea.path)) {
            removed.append(ea.path);
            continue;
        }
        const Entry eb = mergedB.value(ea.path);
        bool differs = ea.type != eb.type || ea.size != eb.size || ea.mode != eb.mode
                       || ea.link != eb.link;
        if (!differs && ea.type == u"file"_s)
            differs = bytesOf(*ta.image, ea) != bytesOf(*tb.image, eb);
        if (differs)
            changed.append(ea.path);
    }
    added.sort();
    removed.sort();
    changed.sort();
    if (a != b && b != u"rebuilt"_s)
        QVERIFY(!added.isEmpty() && !removed.isEmpty() && !changed.isEmpty());
    if (a == u"app"_s && b == u"next"_s) {
        // The fixture's intent: a change only the bytes show, same bytes from another layer.
        QVERIFY(changed.contains(u"/etc/hostname"_s));
        QVERIFY(!changed.contains(u"/etc/config.ini"_s));
        QVERIFY(changed.contains(u"/app"_s)); // only its mode differs
    }
    // when berth diffs them with --files,
    QStringList arguments{u"diff"_s, ta.reference, tb.reference, u"--files"_s, u"--json"_s};
    if (!ta.platformArguments.isEmpty() || !tb.platformArguments.isEmpty()) {
        // One --platform cannot pick two platforms of the same index: name the platform images
        // by digest instead.
        const QString host = m_registry->host();
        arguments = {u"diff"_s,
                     host + u'/' + ta.image->repository + u'@' + ta.image->built.image.digest,
                     host + u'/' + tb.image->repository + u'@' + tb.image->built.image.digest,
                     u"--files"_s, u"--json"_s};
    }
    const BerthRun run = berth(arguments);
    QVERIFY2(run.code == 0, run.err.constData());
    const QJsonObject root = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(keysOf(root), (QSet<QString>{u"a"_s, u"b"_s, u"config"_s, u"layers"_s, u"size_delta"_s,
                                          u"files"_s}));
    const QJsonObject files = root.value(u"files"_s).toObject();
    QCOMPARE(keysOf(files), (QSet<QString>{u"added"_s, u"removed"_s, u"changed"_s}));
    // then added, removed and changed are those worked out here.
    const QStringList actualAdded = sortedStrings(files.value(u"added"_s));
    const QStringList actualRemoved = sortedStrings(files.value(u"removed"_s));
    const QStringList actualChanged = sortedStrings(files.value(u"changed"_s));
    QVERIFY2(actualAdded == added, qPrintable(firstDifference(actualAdded, added)));
    QVERIFY2(actualRemoved == removed, qPrintable(firstDifference(actualRemoved, removed)));
    QVERIFY2(actualChanged == changed, qPrintable(firstDifference(actualChanged, changed)));
}

QTEST_MAIN(TestLayers)
#include "tst_layers.moc"
