#include "models/watch/watchstore.h"

#include "models/modelslogging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// Bumped when the file's shape changes incompatibly; an unknown version starts empty.
constexpr int FileVersion = 1;

QJsonArray toArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QStringList toStringList(const QJsonValue &value)
{
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array)
        list.append(item.toString());
    return list;
}

QJsonObject toJson(const WatchedRepository &entry)
{
    QJsonObject tags;
    for (auto it = entry.baseline.tags.cbegin(); it != entry.baseline.tags.cend(); ++it)
        tags.insert(it.key(), it.value());
    QStringList floating(entry.baseline.floating.cbegin(), entry.baseline.floating.cend());
    floating.sort();
    QJsonArray unseen;
    for (const TagChange &change : entry.unseen) {
        unseen.append(QJsonObject{
                {u"tag"_s, change.tag}, {u"digest"_s, change.digest}, {u"moved"_s, change.moved}});
    }
    QJsonObject json{{u"connection"_s, entry.connectionId},
                     {u"repository"_s, entry.repository},
                     {u"recorded"_s, entry.baseline.recorded},
                     {u"tags"_s, tags},
                     {u"floating"_s, toArray(floating)},
                     {u"cursor"_s, entry.baseline.cursor},
                     {u"artifacts"_s, toArray(entry.baseline.artifacts)},
                     {u"unseen"_s, unseen}};
    if (entry.lastChecked.isValid())
        json.insert(u"lastChecked"_s, entry.lastChecked.toString(Qt::ISODateWithMs));
    return json;
}

WatchedRepository fromJson(const QJsonObject &json)
{
    WatchedRepository entry;
    entry.connectionId = json.value(u"connection"_s).toString();
    entry.repository = json.value(u"repository"_s).toString();
    entry.baseline.recorded = json.value(u"recorded"_s).toBool();
    const QJsonObject tags = json.value(u"tags"_s).toObject();
    for (auto it = tags.begin(); it != tags.end(); ++it)
        entry.baseline.tags.insert(it.key(), it.value().toString());
    const QStringList floating = toStringList(json.value(u"floating"_s));
    entry.baseline.floating = QSet<QString>(floating.cbegin(), floating.cend());
    entry.baseline.cursor = std::max(0, json.value(u"cursor"_s).toInt());
    entry.baseline.artifacts = toStringList(json.value(u"artifacts"_s));
    const QJsonArray unseen = json.value(u"unseen"_s).toArray();
    for (const QJsonValue &value : unseen) {
        const QJsonObject change = value.toObject();
        entry.unseen.append(TagChange{change.value(u"tag"_s).toString(),
                                      change.value(u"digest"_s).toString(),
                                      change.value(u"moved"_s).toBool()});
    }
    entry.lastChecked
            = QDateTime::fromString(json.value(u"lastChecked"_s).toString(), Qt::ISODateWithMs);
    return entry;
}

} // namespace

bool WatchBaseline::isFloating(const QString &tag) const
{
    // "latest" is what people (and `docker pull` without a tag) read as "the newest": it is
    // expected to move, so it is looked at on every check without having been seen moving.
    return tag == "latest"_L1 || floating.contains(tag);
}

WatchStore::WatchStore(const QString &path)
    : m_path(path.isEmpty() ? defaultPath() : path)
{}

QString WatchStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/watch.json"_L1;
}

QString WatchStore::keyOf(const QString &connectionId, const QString &repository)
{
    return connectionId + u'\n' + repository;
}

QList<QString> WatchStore::keys() const
{
    QList<QString> keys = m_entries.keys();
    keys.sort();
    return keys;
}

const WatchedRepository *WatchStore::find(const QString &key) const
{
    const auto it = m_entries.constFind(key);
    return it == m_entries.cend() ? nullptr : &it.value();
}

WatchedRepository *WatchStore::find(const QString &key)
{
    const auto it = m_entries.find(key);
    return it == m_entries.end() ? nullptr : &it.value();
}

WatchedRepository &WatchStore::add(const QString &connectionId, const QString &repository)
{
    const QString key = keyOf(connectionId, repository);
    auto it = m_entries.find(key);
    if (it == m_entries.end()) {
        WatchedRepository entry;
        entry.connectionId = connectionId;
        entry.repository = repository;
        it = m_entries.insert(key, entry);
    }
    return it.value();
}

void WatchStore::remove(const QString &key)
{
    m_entries.remove(key);
}

bool WatchStore::load(QString *error)
{
    m_entries.clear();
    QFile file(m_path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        if (error)
            *error = u"%1: %2"_s.arg(m_path, parseError.errorString());
        return false;
    }
    const QJsonObject root = document.object();
    if (root.value(u"version"_s).toInt() != FileVersion) {
        if (error)
            *error = u"%1: unknown version"_s.arg(m_path);
        return false;
    }
    const QJsonArray watched = root.value(u"watched"_s).toArray();
    for (const QJsonValue &value : watched) {
        WatchedRepository entry = fromJson(value.toObject());
        if (entry.connectionId.isEmpty() || entry.repository.isEmpty())
            continue;
        const QString key = keyOf(entry.connectionId, entry.repository);
        m_entries.insert(key, std::move(entry));
    }
    return true;
}

bool WatchStore::save(QString *error) const
{
    QJsonArray watched;
    for (const QString &key : keys())
        watched.append(toJson(m_entries.value(key)));
    const QJsonObject root{{u"version"_s, FileVersion}, {u"watched"_s, watched}};
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    // Atomic: a crash while writing leaves the previous file, never half of one.
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(QJsonDocument(root).toJson(QJsonDocument::Compact)) < 0 || !file.commit()) {
        if (error)
            *error = file.errorString();
        qCWarning(lcModels, "watch list not saved: %s", qPrintable(file.errorString()));
        return false;
    }
    return true;
}

} // namespace Berth
