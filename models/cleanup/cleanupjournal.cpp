#include "models/cleanup/cleanupjournal.h"

#include "net/core/digest.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

constexpr int JournalVersion = 1;
// A manifest is at most MaxManifestBytes (4 MiB), base64 a third more: a line above this is
// not a journal line of ours.
constexpr qint64 MaxLineBytes = 8 * 1024 * 1024;

QString safeName(QString text)
{
    for (QChar &c : text) {
        if (!c.isLetterOrNumber() && c != u'.' && c != u'-' && c != u'_')
            c = u'_';
    }
    return text;
}

} // namespace

QString JournalWriter::defaultPath(const QString &registry, const QString &repository)
{
    const QString dir
            = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
              + u"/berth/journals"_s; // ~/.local/share/berth/journals, for the CLI and the window
    const QString stamp = QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd-HHmmss-zzz"_s);
    return dir + u'/' + safeName(registry) + u'_' + safeName(repository) + u'-' + stamp
           + u".jsonl"_s;
}

Error JournalWriter::open(const QString &path, const QString &registry, const QString &repository,
                          const QJsonObject &rules)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error(ErrorCode::InvalidInput, u"cannot create the folder of %1"_s.arg(path));
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        return Error(ErrorCode::InvalidInput,
                     u"cannot create the journal %1: %2"_s.arg(path, m_file.errorString()));
    }
    return writeLine(QJsonObject{
            {u"berth_journal"_s, JournalVersion},
            {u"registry"_s, registry},
            {u"repository"_s, repository},
            {u"started"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
            {u"rules"_s, rules},
    });
}

Error JournalWriter::append(const JournalEntry &entry)
{
    return writeLine(QJsonObject{
            {u"repository"_s, entry.repository},
            {u"tag"_s, entry.tag},
            {u"digest"_s, entry.digest},
            {u"media_type"_s, entry.mediaType},
            {u"manifest"_s, QString::fromLatin1(entry.manifest.toBase64())},
            {u"action"_s, entry.action},
    });
}

Error JournalWriter::writeLine(const QJsonObject &line)
{
    const QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    // On the disk before the change it describes: flush Qt's buffer, then the kernel's.
    if (m_file.write(bytes) != bytes.size() || !m_file.flush() || ::fsync(m_file.handle()) != 0) {
        return Error(ErrorCode::InvalidInput, u"cannot write the journal %1: %2"_s.arg(
                                                      m_file.fileName(), m_file.errorString()));
    }
    return {};
}

Result<Journal> readJournal(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error(ErrorCode::InvalidInput,
                     u"cannot read %1: %2"_s.arg(path, file.errorString()));
    }
    Journal journal;
    int lineNumber = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine(MaxLineBytes).trimmed();
        ++lineNumber;
        if (line.isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonObject object = QJsonDocument::fromJson(line, &parseError).object();
        const auto bad = [&](const QString &why) {
            return Error(ErrorCode::InvalidInput,
                         u"%1 line %2: %3"_s.arg(path).arg(lineNumber).arg(why));
        };
        if (parseError.error != QJsonParseError::NoError || object.isEmpty())
            return bad(u"not a JSON object (a berth clean-up journal has one per line)"_s);
        if (lineNumber == 1) {
            if (object.value(u"berth_journal"_s).toInt() != JournalVersion)
                return bad(u"not a berth clean-up journal"_s);
            journal.registry = object.value(u"registry"_s).toString();
            journal.repository = object.value(u"repository"_s).toString();
            journal.started = object.value(u"started"_s).toString();
            continue;
        }
        JournalEntry entry;
        entry.repository = object.value(u"repository"_s).toString();
        entry.tag = object.value(u"tag"_s).toString();
        entry.digest = object.value(u"digest"_s).toString();
        entry.mediaType = object.value(u"media_type"_s).toString();
        entry.manifest = QByteArray::fromBase64(object.value(u"manifest"_s).toString().toLatin1());
        entry.action = object.value(u"action"_s).toString();
        if (entry.repository.isEmpty() || entry.digest.isEmpty() || entry.manifest.isEmpty())
            return bad(u"an entry without repository, digest or manifest"_s);
        if (!Digest::isValid(entry.digest))
            return bad(u"an entry with a malformed digest"_s);
        if (entry.tag.isEmpty() && entry.action != u"delete")
            return bad(u"an entry without a tag that is not an image deletion"_s);
        // A journal records one repository's clean-up: it is never a way to write elsewhere.
        if (entry.repository != journal.repository)
            return bad(u"an entry for %1, not the journal's %2"_s.arg(entry.repository,
                                                                      journal.repository));
        journal.entries.append(entry);
    }
    if (lineNumber == 0)
        return Error(ErrorCode::InvalidInput, u"%1 is empty"_s.arg(path));
    return journal;
}

QString JournalEntry::name() const
{
    return tag.isEmpty() ? untaggedImageName(digest) : tag;
}

QString untaggedImageName(const QString &digest)
{
    return u"untagged "_s + Digest::shortForm(digest);
}

} // namespace Berth
